import type { ResourceSpec } from '../../shared/operation';
import { webhookSlotFields } from '../../shared/webhookSlots';

/** The WhatsApp session behind the CRONCRM account ("Autenticação" in the API). */
export const connectionResource: ResourceSpec = {
	value: 'connection',
	name: 'Connection',
	description: "The account's WhatsApp session: connect, disconnect and its status",
	operations: [
		{
			value: 'connect',
			name: 'Connect',
			action: 'Connect WhatsApp',
			description:
				"Start connecting WhatsApp to CRONCRM, optionally with a phone number for a pairing code instead of a QR code; the QR code and later events arrive at the webhooks. Optionally sets webhook URLs (only those given change). Returns CRONCRM's answer (auth/login).",
			method: 'POST',
			path: '/auth/login',
			optional: [
				{
					name: 'phoneNumber',
					displayName: 'Phone Number',
					apiName: 'phone_number',
					kind: 'phone',
					description:
						'Phone number to connect, with country and area code. If given, CRONCRM returns a pairing code to type on the phone instead of scanning a QR code.',
				},
				...webhookSlotFields(),
			],
		},
		{
			value: 'logout',
			name: 'Log Out',
			action: 'Log out of WhatsApp',
			description:
				"Log the WhatsApp session out; connecting again needs a new QR code scan. Returns CRONCRM's confirmation (auth/logout).",
			method: 'POST',
			path: '/auth/logout',
		},
		{
			value: 'close',
			name: 'Close',
			action: 'Close the WhatsApp connection',
			description:
				"Close the WhatsApp connection without logging out: the next Connect resumes the same session. Returns CRONCRM's confirmation (auth/close).",
			method: 'POST',
			path: '/auth/close',
		},
		{
			value: 'getStatus',
			name: 'Get Status',
			action: 'Get the connection status',
			description:
				'Check whether WhatsApp is connected and available. Returns the connection status (auth/status).',
			method: 'GET',
			path: '/auth/status',
		},
	],
};
