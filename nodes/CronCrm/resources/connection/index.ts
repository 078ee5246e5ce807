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
				'Start connecting WhatsApp to CRONCRM. The QR code to scan, and every later event, arrive at your webhooks; only the webhook URLs you add here are changed (auth/login).',
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
				'Log the WhatsApp session out. Connecting again needs a new QR code scan (auth/logout).',
			method: 'POST',
			path: '/auth/logout',
		},
		{
			value: 'close',
			name: 'Close',
			action: 'Close the WhatsApp connection',
			description:
				'Close the connection without logging out: the next Connect resumes the same session (auth/close)',
			method: 'POST',
			path: '/auth/close',
		},
		{
			value: 'getStatus',
			name: 'Get Status',
			action: 'Get the connection status',
			description: 'Check whether WhatsApp is connected and available (auth/status)',
			method: 'GET',
			path: '/auth/status',
		},
	],
};
