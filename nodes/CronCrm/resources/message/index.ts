import { accessToken, chatId, choice, str } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';
import { dateRange, mediaOperation, messageToken, sendOperation } from './fields';
// Send and Wait for Response (human in the loop): its own folder, see sendAndWait/index.ts.
import { sendAndWaitOperation } from './sendAndWait';
// Wait for Burst to End (chatbots: one answer per burst): its own folder, see burst/index.ts.
import { waitForBurstOperation } from './burst';
import { sameContacts, sameLocation, sameText } from '../../shared/alreadySent';

const MESSAGE_TEXT = {
	...str('message', 'Message', 'message', { required: true }),
	kind: 'text' as const,
	description: 'Text of the message; emoji are welcome',
};

/** Messages ("mensagens") sent and received on the account's WhatsApp. */
export const messageResource: ResourceSpec = {
	value: 'message',
	name: 'Message',
	description:
		'WhatsApp messages ("mensagens"): send, search, download and delete. After talking to a contact through the API, end it with Chat → Finish API Interaction so the chatbot can take over again.',
	operations: [
		sendOperation({
			value: 'sendText',
			name: 'Send Text',
			action: 'Send a text message',
			description:
				'Send a text message (emoji allowed) to a person or group. Needs the chat (phone number or WhatsApp ID) and the text; optionally the CRONCRM user to send as. Returns the chat and the stored message with its access_token and delivery status (messages/send-message-text).',
			path: '/messages/send-message-text',
			alreadySent: sameText,
			fields: [MESSAGE_TEXT],
		}),
		// Send and Wait for Response: a custom operation (links to n8n, then the execution waits).
		sendAndWaitOperation(MESSAGE_TEXT),
		sendOperation({
			value: 'sendTextTriggerChatbot',
			name: 'Send Text and Trigger Chatbot',
			action: 'Send a text and hand the chat to the chatbot',
			description:
				'Send a text through the chatbot, so that the contact\'s answer fires the chatbot\'s triggers (e.g. "how does it work"); it does nothing to chats already in service or waiting for an agent. Needs the chat and the text. Returns the chat and the stored message (messages/send-message-and-add-trigger-chatbot).',
			path: '/messages/send-message-and-add-trigger-chatbot',
			alreadySent: sameText,
			fields: [MESSAGE_TEXT],
		}),
		sendOperation({
			value: 'reply',
			name: 'Reply',
			action: 'Reply to a message',
			description:
				'Reply to a sent or received message, quoting it. Needs the chat, the access_token of the message to quote and the text. Returns the chat and the stored reply (messages/send-message-reply).',
			path: '/messages/send-message-reply',
			alreadySent: sameText,
			fields: [
				messageToken('replyTo', 'message_reply_access_token', 'The message to reply to'),
				MESSAGE_TEXT,
			],
		}),
		sendOperation({
			value: 'forward',
			name: 'Forward',
			action: 'Forward a message',
			description:
				"Forward a sent or received message to another chat that already exists in CRONCRM. Needs the target chat and the message's access_token. Returns the chat and the stored copy (messages/send-message-forward).",
			path: '/messages/send-message-forward',
			fields: [
				messageToken('messageToForward', 'message_forward_access_token', 'The message to forward'),
			],
		}),
		mediaOperation({
			value: 'sendFile',
			messageType: 'document',
			noun: 'File',
			path: '/messages/send-message-file',
			placeholder: 'https://example.com/report.pdf',
			mimeTypeExample: 'application/pdf',
			caption: true,
		}),
		mediaOperation({
			value: 'sendImage',
			messageType: 'image',
			noun: 'Image',
			path: '/messages/send-message-image',
			placeholder: 'https://example.com/photo.jpg',
			mimeTypeExample: 'image/jpeg',
			caption: true,
		}),
		mediaOperation({
			value: 'sendVideo',
			messageType: 'video',
			noun: 'Video',
			path: '/messages/send-message-video',
			placeholder: 'https://example.com/clip.mp4',
			mimeTypeExample: 'video/mp4',
			caption: true,
		}),
		mediaOperation({
			value: 'sendAudio',
			messageType: 'audio',
			noun: 'Audio',
			path: '/messages/send-message-audio',
			placeholder: 'https://example.com/voice.mp3',
			mimeTypeExample: 'audio/mpeg',
			caption: false,
		}),
		sendOperation({
			value: 'sendContact',
			name: 'Send Contact',
			action: 'Send a contact card',
			description:
				"Share one contact as a contact card (vCard). Needs the chat, the contact's phone number and name. Returns the chat and the stored message (messages/send-contact-vcard).",
			path: '/messages/send-contact-vcard',
			alreadySent: sameContacts('contact_phone'),
			fields: [
				{
					name: 'contactPhone',
					displayName: 'Contact Phone',
					apiName: 'contact_phone',
					kind: 'phone',
					required: true,
					description: 'Phone number of the contact to share, with country and area code',
				},
				str('contactName', 'Contact Name', 'contact_name', {
					required: true,
					description: 'Name of the contact to share',
				}),
			],
		}),
		sendOperation({
			value: 'sendContacts',
			name: 'Send Contacts',
			action: 'Send several contact cards',
			description:
				'Share several contacts at once as contact cards; CRONCRM checks that each has WhatsApp. Needs the chat and the phone numbers, comma-separated. Returns the chat and the stored message (messages/send-contact-vcard-list).',
			path: '/messages/send-contact-vcard-list',
			alreadySent: sameContacts('contact_list'),
			fields: [
				{
					name: 'contactList',
					displayName: 'Contact Phones',
					apiName: 'contact_list',
					kind: 'phoneList',
					required: true,
					description:
						'Phone numbers of the contacts to share, separated by commas, semicolons or new lines',
				},
			],
		}),
		sendOperation({
			value: 'sendLocation',
			name: 'Send Location',
			action: 'Send a location',
			description:
				'Send a location: a map pin (latitude and longitude), an address, or both. Needs the chat. Returns the chat and the stored message (messages/send-location).',
			path: '/messages/send-location',
			alreadySent: sameLocation,
			fields: [
				{
					name: 'latitude',
					displayName: 'Latitude',
					apiName: 'latitude',
					kind: 'string',
					range: [-90, 90],
					placeholder: '-23.550164466',
					description:
						'Latitude in decimal degrees; with the longitude, the contact sees a map. Leave both empty to send the address alone.',
				},
				{
					name: 'longitude',
					displayName: 'Longitude',
					apiName: 'longitude',
					kind: 'string',
					range: [-180, 180],
					placeholder: '-46.633664132',
					description:
						'Longitude in decimal degrees; with the latitude, the contact sees a map. Leave both empty to send the address alone.',
				},
				str('address', 'Address', 'address', {
					placeholder: 'Praça da Sé, s/n, Sé, São Paulo - SP',
					description: 'Address shown with the pin, or sent alone',
				}),
			],
			// The collection: "an address or a location"; coordinates make sense only as a pair.
			validate: (request) => {
				const hasLatitude = request.latitude !== undefined;
				if (hasLatitude !== (request.longitude !== undefined)) {
					return `Send Location: give both Latitude and Longitude, or neither (${hasLatitude ? 'Longitude' : 'Latitude'} is empty)`;
				}
				if (!hasLatitude && request.address === undefined) {
					return 'Send Location: give Latitude and Longitude, an Address, or both';
				}
				return undefined;
			},
		}),
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many messages',
			description:
				'Search sent and received messages synchronized with CRONCRM (synchronize the WhatsApp history first to find older ones). Filters: chat, source, shipping status, type, ack, dates, message ID or access_token. Returns one item per message, with its chat (messages/find).',
			method: 'GET',
			path: '/messages/find',
			pagedRecords: 'messages',
			optional: [
				chatId({
					required: false,
					description: 'Only messages of this chat (phone number or WhatsApp ID)',
				}),
				choice(
					'source',
					'Source',
					'source',
					[
						['All', 'all', 'Sent and received'],
						[
							'Sent',
							'in',
							'Messages sent from this account. CRONCRM calls them "in" (into its queue).',
						],
						['Received', 'out', 'Messages received from contacts. CRONCRM calls them "out".'],
					],
					{
						description:
							'Whether the messages were sent or received. Mind the API\'s words: "in" means sent by you, "out" means received.',
					},
				),
				choice(
					'shippingStatus',
					'Shipping Status',
					'shipping_status',
					[
						['All', 'all'],
						['Cancelled', 'cancelled', 'The send was cancelled'],
						[
							'Daily Limit',
							'daily_limit',
							"Held back: the account's daily sending limit was reached",
						],
						['Error', 'error', 'An error stopped the send'],
						['Failed', 'failed', 'The send failed; CRONCRM retries every 5 minutes'],
						['Queued', 'queued', "Waiting in CRONCRM's delivery queue"],
						['Sent', 'sent', 'Handed to WhatsApp'],
					],
					{
						description:
							"How CRONCRM's own delivery went (sent messages only; received ones need no filter here)",
					},
				),
				choice('messageType', 'Message Type', 'message_type', [
					['All', 'all'],
					['Audio', 'audio', 'Audio files'],
					['Contact', 'vcard', 'One shared contact (vCard)'],
					['Contacts', 'multi_vcard', 'Several shared contacts'],
					['Document', 'document', 'Files'],
					['Image', 'image'],
					['Link', 'link', 'Text with a link preview'],
					['Location', 'location'],
					['Sticker', 'sticker', 'Animated or not'],
					['Text', 'chat', 'Plain text, with or without emoji (the API says "chat")'],
					['Video', 'video', 'Videos and GIFs'],
					['Voice', 'ptt', 'Voice notes recorded in WhatsApp (the API says "ptt", push-to-talk)'],
				]),
				choice(
					'messageAck',
					'Message Ack',
					'message_ack',
					[
						['All', 'all'],
						['-1: Error', '-1', 'The message failed'],
						['0: Waiting to Send', '0'],
						['1: On WhatsApp Server', '1', "Reached WhatsApp's server"],
						['2: Delivered', '2', "Delivered to the contact's WhatsApp"],
						[
							'3: Read',
							'3',
							'Read by the contact (unless their privacy settings hide read receipts)',
						],
						['4: Played', '4', 'Played by the contact, usually a video or audio'],
						['100: Send Cancelled', '100', 'The send was cancelled before it reached WhatsApp'],
					],
					{ description: 'Status of the message inside WhatsApp ("ack")' },
				),
				...dateRange('messages'),
				str('messageWid', 'Message WhatsApp ID', 'message_wid', {
					description:
						'The ID WhatsApp gave the message (message_wid). When set, every other filter but Chat is ignored.',
				}),
				accessToken('Message', {
					required: false,
					description:
						'The access_token CRONCRM gave the message when it was sent. When set, every other filter but Chat is ignored.',
				}),
			],
		},
		waitForBurstOperation(),
		{
			value: 'getConsumption',
			name: 'Get Consumption',
			action: 'Get message consumption',
			description:
				"Count sent and received messages by type, status and source over a period, e.g. to follow the plan's usage. Optionally filtered by chat and dates. Returns the totals and the counts per type (messages/consumption).",
			method: 'GET',
			path: '/messages/consumption',
			optional: [
				chatId({
					required: false,
					description: 'Only messages of this chat (phone number or WhatsApp ID)',
				}),
				...dateRange('messages'),
			],
		},
		{
			value: 'getFile',
			name: 'Get File',
			action: 'Get the file of a message',
			description:
				"Get the public URL of the file (document, image, audio, video) a message carries, and optionally download it as binary data. Needs the message's access_token. Returns the URL, file name and MIME type (messages/get-file).",
			method: 'GET',
			path: '/messages/get-file',
			fields: [
				accessToken('Message', {
					description: 'The access_token CRONCRM gave the message that carries the file',
				}),
			],
			download: { urlPath: 'url', fileNamePath: 'filename', mimeTypePath: 'file_mimetype' },
		},
		{
			value: 'delete',
			name: 'Delete',
			action: 'Delete a message',
			description:
				"Delete a message: a sent one disappears for everyone, a received one only on this side. Needs the chat and the message's access_token. Returns CRONCRM's confirmation (messages/delete).",
			method: 'DELETE',
			path: '/messages/delete',
			fields: [
				chatId(),
				// The collection contradicts itself: the template body says access_token, the
				// description and the saved example say message_access_token. Which one the live API
				// reads is unknown, so both are sent with the same value and either reading works.
				{
					...messageToken('messageToDelete', 'message_access_token', 'The message to delete'),
					alsoSentAs: ['access_token'],
				},
			],
		},
	],
};
