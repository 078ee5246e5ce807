/**
 * The one assumption about CRONCRM's webhook bodies (nodes/CronCrmTrigger/payload.ts): the hook
 * name in a top-level field, message hooks shaped like messages/find records. If a live account
 * shows otherwise, this file and payload.ts are what change.
 */
import {
	contactOf,
	hasMedia,
	hookOf,
	isOwnMessage,
	normalize,
	toIsoDate,
} from '../../nodes/CronCrmTrigger/payload';

const received = new Date('2025-08-01T12:00:00.000Z');

/** A record exactly as messages/find returns it (the collection's example), with its hook. */
const findRecord = {
	hook: 'onReceived',
	chat: {
		access_token: '2025U5n8vo12vJ3i7xHZyRQ0RhY7368d0398d0uN5sFBLVB1j8Ek7wpV6Zbh0723',
		chat_wid: '5521988248085@c.us',
		customer_service_status_id: 4,
	},
	message: {
		access_token: '20255DO83WOtkEJrz8dPtC0mkY2057fec8674bEeuUeHS8Pqomrrxxn1zJw40723',
		contact_wid: '5521988248085@c.us',
		message_body: 'Teste API V2',
		message_type: 'chat',
		message_ack: 0,
		message_timestamp: '1753299286.759418',
		source: 'out',
	},
};

describe('payload assumption', () => {
	it('the hook name is the top-level "hook", else "event"', () => {
		expect(hookOf({ hook: 'onAck', event: 'other' })).toBe('onAck');
		expect(hookOf({ event: 'onQrcode' })).toBe('onQrcode');
		expect(hookOf({ hook: '' })).toBeUndefined();
		expect(hookOf({ data: { hook: 'onAck' } })).toBeUndefined();
	});

	it('a message hook carrying a messages/find record', () => {
		expect(normalize(findRecord, 'onReceived', received)).toEqual({
			event: 'onReceived',
			chat_wid: '5521988248085@c.us',
			text: 'Teste API V2',
			message_type: 'chat',
			ack: 0,
			message_access_token: findRecord.message.access_token,
			incoming_call_id: null,
			timestamp: '2025-07-23T19:34:46.759Z',
			contact: {
				chat_id: '5521988248085@c.us',
				phone: '5521988248085',
				lid: null,
				is_group: false,
			},
		});
	});

	it.each([
		['5521988248085@c.us', { chat_id: '5521988248085@c.us', phone: '5521988248085', lid: null }],
		[
			'5521988248085:12@s.whatsapp.net',
			{ chat_id: '5521988248085@c.us', phone: '5521988248085', lid: null },
		],
		[
			'204788134928771@lid',
			{ chat_id: '204788134928771@lid', phone: null, lid: '204788134928771@lid' },
		],
		['1234567890123@jid', { chat_id: '1234567890123@jid', phone: null, lid: '1234567890123@jid' }],
	])('one identity per contact: %s', (chatWid, identity) => {
		expect(contactOf(chatWid)).toEqual({ ...identity, is_group: false });
	});

	it('a group is a group, with neither phone nor lid; no chat, no contact', () => {
		expect(contactOf('120363012345678901@g.us')).toEqual({
			chat_id: '120363012345678901@g.us',
			phone: null,
			lid: null,
			is_group: true,
		});
		expect(contactOf(null)).toBeNull();
	});

	it('the same fields at the top level', () => {
		const flat = {
			hook: 'onAck',
			chat_wid: '5521988248085@c.us',
			...findRecord.message,
			message_ack: '3',
		};
		expect(normalize(flat, 'onAck', received)).toMatchObject({
			chat_wid: '5521988248085@c.us',
			text: 'Teste API V2',
			ack: 3,
		});
	});

	it('other hooks: no message fields, even when the body has an access_token', () => {
		expect(
			normalize(
				{ hook: 'onStateChanged', state: 'CONNECTED', access_token: 'instance-token' },
				'onStateChanged',
				received,
			),
		).toEqual({
			event: 'onStateChanged',
			chat_wid: null,
			text: null,
			message_type: null,
			ack: null,
			message_access_token: null,
			incoming_call_id: null,
			timestamp: received.toISOString(),
			contact: null,
		});
	});

	it('timestamps: seconds with decimals, seconds, milliseconds; else the arrival time', () => {
		expect(toIsoDate('1753299286.759418', received)).toBe('2025-07-23T19:34:46.759Z');
		expect(toIsoDate(1753299286, received)).toBe('2025-07-23T19:34:46.000Z');
		expect(toIsoDate(1753299286759, received)).toBe('2025-07-23T19:34:46.759Z');
		expect(toIsoDate(null, received)).toBe(received.toISOString());
		expect(toIsoDate('yesterday', received)).toBe(received.toISOString());
	});

	it('own messages are CRONCRM\'s source "in"', () => {
		expect(isOwnMessage(findRecord)).toBe(false);
		expect(isOwnMessage({ message: { ...findRecord.message, source: 'in' } })).toBe(true);
		expect(isOwnMessage({ source: 'in' })).toBe(true);
	});

	it('media: file types with a message access token', () => {
		const image = normalize(
			{ ...findRecord, message: { ...findRecord.message, message_type: 'image' } },
			'onReceived',
			received,
		);
		expect(hasMedia(image)).toBe(true);
		expect(hasMedia(normalize(findRecord, 'onReceived', received))).toBe(false);
		expect(hasMedia({ ...image, message_access_token: null })).toBe(false);
	});

	it.each([
		[{ incoming_call_id: 'CALL1' }, 'CALL1'],
		[{ call_id: 'CALL2' }, 'CALL2'],
		[{ id: 3 }, '3'],
		[{ call: { id: 'CALL4' } }, 'CALL4'],
		[{}, null],
	])('IncomingCall: the call id, for Reject Incoming Call (%j)', (fields, expected) => {
		const event = normalize({ hook: 'IncomingCall', ...fields }, 'IncomingCall', received);
		expect(event.incoming_call_id).toBe(expected);
	});
});
