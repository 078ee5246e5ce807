import { chatId, locator, sendAsUser, str } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';
import { funnelPicker, funnelStep, platformToo, profileFields, serviceStatus } from './fields';

/** Chats ("conversas") group the messages exchanged with one contact or group. */
export const chatResource: ResourceSpec = {
	value: 'chat',
	name: 'Chat',
	description: 'Conversations ("conversas") with a contact, and their service status',
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a chat',
			description:
				'Create a chat with a contact, with their profile (name, CPF or CNPJ, email, phones, address, birthdate, notes). Needs the phone number or WhatsApp ID. Returns the chat with its access_token (chats/create).',
			method: 'POST',
			path: '/chats/create',
			fields: [chatId()],
			optional: profileFields,
		},
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many chats',
			description:
				'List chats, optionally only those in a funnel step, with a tag, with a service status, or one chat. Returns one item per chat with its profile, service status and last message (chats/find).',
			method: 'GET',
			path: '/chats/find',
			pagedRecords: 'chats',
			optional: [
				chatId({
					required: false,
					description:
						'Return only the chat with this contact (phone number or WhatsApp ID); CRONCRM then ignores the other filters',
				}),
				funnelPicker,
				funnelStep('Chats at this step of a sales funnel'),
				locator('tag', 'tag_access_token', {
					required: false,
					description: 'Chats that carry this tag',
				}),
				serviceStatus,
			],
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a chat',
			description:
				"Change a chat's contact profile or move the chat to a funnel step; only the fields given change. Needs the chat. Returns the updated chat (chats/change).",
			method: 'PUT',
			path: '/chats/change',
			fields: [chatId()],
			optional: [
				...profileFields,
				funnelPicker,
				funnelStep('Move the chat to this step of a sales funnel'),
			],
		},
		{
			value: 'delete',
			name: 'Delete',
			action: 'Delete a chat',
			description:
				"Delete a chat in the WhatsApp app, and in CRONCRM too if chosen. Needs the chat. Returns CRONCRM's confirmation (chats/delete).",
			method: 'DELETE',
			path: '/chats/delete',
			fields: [chatId(), platformToo],
		},
		{
			value: 'clear',
			name: 'Clear Messages',
			action: 'Clear the messages of a chat',
			description:
				"Delete the whole message history of a chat, keeping the chat; in CRONCRM too if chosen. Needs the chat. Returns CRONCRM's confirmation (chats/clear).",
			method: 'PUT',
			path: '/chats/clear',
			fields: [chatId(), platformToo],
		},
		{
			value: 'archive',
			name: 'Archive or Unarchive',
			action: 'Archive or unarchive a chat',
			description:
				"Archive a chat or bring it back from the archive. Needs the chat and whether to archive. Returns CRONCRM's confirmation (chats/archive).",
			method: 'PUT',
			path: '/chats/archive',
			fields: [
				chatId(),
				{
					name: 'archive',
					displayName: 'Archive',
					apiName: 'archive',
					kind: 'boolean',
					default: true,
					description: 'Whether to archive the chat (on) or unarchive it (off)',
				},
			],
		},
		{
			value: 'rejectCall',
			name: 'Reject Incoming Call',
			action: 'Reject an incoming call',
			description:
				"Reject a WhatsApp call as it comes in. Needs the call ID the trigger's Incoming Call event delivers. Returns CRONCRM's confirmation (chats/reject-incoming-call).",
			method: 'POST',
			path: '/chats/reject-incoming-call',
			fields: [
				str('incomingCallId', 'Incoming Call ID', 'incoming_call_id', {
					required: true,
					description:
						'ID of the call. CRONCRM sends it to your webhook when the call comes in (use the CRONCRM Trigger).',
				}),
			],
		},
		{
			value: 'setWaitingHumanCare',
			name: 'Set Waiting for Agent',
			action: 'Put a chat in the queue for an agent',
			description:
				'Put an existing chat in the agents\' queue (waiting for human service, "aguardando atendimento"). Needs the chat. Returns the chat\'s new service status (chats/set-waiting-human-care).',
			method: 'POST',
			// The collection's URL ends with a slash; it is sent exactly so.
			path: '/chats/set-waiting-human-care/',
			fields: [chatId()],
		},
		{
			value: 'finishApi',
			name: 'Finish API Interaction',
			action: 'Finish an API interaction',
			description:
				"End the service record opened by messages sent as a user through the API, so the chatbot and self-service work again for this contact; optionally ask the contact to rate the service. Needs the chat. Returns CRONCRM's confirmation (chats/finish-api).",
			method: 'POST',
			// The collection's URL ends with a slash; it is sent exactly so.
			path: '/chats/finish-api/',
			fields: [
				chatId(),
				{
					name: 'requestEvaluation',
					displayName: 'Request Evaluation',
					// The collection contradicts itself: the template says request_evaluation_if_available,
					// the description and the saved example say requestEvaluationIfAvailable. Which one the
					// live API reads is unknown, so both are sent with the same value: a setting silently
					// dropped would be worse than an extra field.
					apiName: 'requestEvaluationIfAvailable',
					alsoSentAs: ['request_evaluation_if_available'],
					kind: 'boolean',
					description:
						'Whether to ask the contact to rate the service, if service evaluation is turned on in CRONCRM',
				},
			],
			optional: [
				// The saved example sends send_by_account; the template and the description say
				// account_access_token, as every other endpoint does, which is sent.
				sendAsUser({
					description: 'CRONCRM user (account_access_token) whose API interaction is finished',
				}),
			],
		},
	],
};
