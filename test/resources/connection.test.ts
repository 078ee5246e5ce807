import { runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';
import { WEBHOOK_SLOTS } from '../../nodes/CronCrm/shared/webhookSlots';

const sandbox = useSandbox();

describe('Connection (auth/*)', () => {
	it('Connect: POST /auth/login with the pairing phone number and all seven webhook URLs', async () => {
		sandbox.current.state.connection.status = 'DISCONNECTED';
		const urls = Object.fromEntries(
			WEBHOOK_SLOTS.map((slot) => [
				slot.apiName,
				`https://n8n.example.com/webhook/${slot.instanceKey}`,
			]),
		);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'connection',
				operation: 'connect',
				additionalFields: { phoneNumber: '+55 (21) 98824-8085', ...urls },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({ method: 'POST', path: '/auth/login' });
		expect(result.requests[0].body).toEqual({
			phone_number: '5521988248085',
			webhookMessage: 'https://n8n.example.com/webhook/message',
			webhookIncomingCall: 'https://n8n.example.com/webhook/incomingCall',
			webhookStateChanged: 'https://n8n.example.com/webhook/stateChanged',
			webhookQrcode: 'https://n8n.example.com/webhook/qrcode',
			webhookLiveLocation: 'https://n8n.example.com/webhook/liveLocation',
			webhookParticipantsChanged: 'https://n8n.example.com/webhook/participantsChanged',
			webhookAddedToGroup: 'https://n8n.example.com/webhook/addedToGroup',
		});
		expect(result.items[0].json).toEqual({
			success: true,
			msg: 'Conexão solicitada com sucesso. Acompanhe os eventos enviados em seus WebHooks.',
		});
		expect(sandbox.current.state.connection.status).toBe('CONNECTED');
	});

	it('Connect: with nothing added the body is empty, so CRONCRM keeps the URLs it has', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'connection',
				operation: 'connect',
				additionalFields: { webhookQrcode: '' },
			},
		});
		expect(result.requests[0].body).toEqual({});
	});

	it('Connect: a webhook URL that is not http(s) stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'connection',
				operation: 'connect',
				additionalFields: { webhookMessage: 'ftp://example.com/hook' },
			},
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Message Webhook URL: expected an http(s) URL, got "ftp://example.com/hook" (item 0)',
		);
	});

	it('Connect: an invalid phone number stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'connection',
				operation: 'connect',
				additionalFields: { phoneNumber: '123' },
			},
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Phone Number: expected 8 to 15 digits (country code, area code, number), got 3 in "123" (item 0)',
		);
	});

	it('Log Out, Get Status, Close: POST /auth/logout, GET /auth/status, POST /auth/close', async () => {
		const logout = await runCronCrm(sandbox.current, {
			parameters: { resource: 'connection', operation: 'logout' },
		});
		expect(logout.requests).toEqual([
			expect.objectContaining({ method: 'POST', path: '/auth/logout', body: {}, query: {} }),
		]);
		expect(logout.items[0].json).toEqual({
			success: true,
			msg: 'WhatsApp desconectado com sucesso.',
		});

		const status = await runCronCrm(sandbox.current, {
			parameters: { resource: 'connection', operation: 'getStatus' },
		});
		expect(status.requests).toEqual([
			expect.objectContaining({ method: 'GET', path: '/auth/status', query: {} }),
		]);
		expect(status.items[0].json).toMatchObject({ success: true, status: 'DISCONNECTED' });

		const close = await runCronCrm(sandbox.current, {
			parameters: { resource: 'connection', operation: 'close' },
		});
		expect(close.requests).toEqual([
			expect.objectContaining({ method: 'POST', path: '/auth/close', body: {} }),
		]);
		expect(close.items[0].json).toEqual({ success: true, msg: 'Conexão encerrada com sucesso.' });
		expect(sandbox.current.state.connection.status).toBe('CLOSED');
	});

	it('Get Status: CONNECTED, as in the collection', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'connection', operation: 'getStatus' },
		});
		expect(result.items[0].json).toEqual({
			success: true,
			msg: 'WhatsApp conectado e disponível para uso.',
			status: 'CONNECTED',
		});
	});
});

describe('WEBHOOK_SLOTS (shared with the Instance resource and the trigger)', () => {
	it('names the seven slots as the collection does, with the hooks each receives', () => {
		expect(WEBHOOK_SLOTS.map((s) => [s.apiName, s.instanceKey, s.hooks])).toEqual([
			['webhookMessage', 'message', ['onReceived', 'onSender', 'onAck']],
			['webhookIncomingCall', 'incomingCall', ['IncomingCall']],
			['webhookStateChanged', 'stateChanged', ['onStateChanged']],
			['webhookQrcode', 'qrcode', ['onQrcode']],
			['webhookLiveLocation', 'liveLocation', ['onLiveLocation']],
			['webhookParticipantsChanged', 'participantsChanged', ['onParticipantsChanged']],
			['webhookAddedToGroup', 'addedToGroup', ['onAddedToGroup']],
		]);
	});
});
