import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { testCredential } from './helpers/credentialTest';
import { sandboxCredentials } from './helpers/engine';
import { useSandbox } from './helpers/sandbox';

const sandbox = useSandbox();

describe('Credential Test (auth/status)', () => {
	it('Passes with a valid key while WhatsApp is connected', async () => {
		const outcome = await testCredential(sandboxCredentials(sandbox.current));
		expect(outcome).toMatchObject({ status: 'OK', reply: { status: 'CONNECTED' } });
		expect(sandbox.current.requests.map((r) => [r.method, r.path])).toEqual([
			['GET', '/auth/status'],
		]);
	});

	it.each(['DISCONNECTED', 'CLOSED'])(
		'Passes with a valid key while WhatsApp is %s: the key is fine, the phone is not connected',
		async (status) => {
			sandbox.current.state.connection.status = status;
			const outcome = await testCredential(sandboxCredentials(sandbox.current));
			expect(outcome).toMatchObject({ status: 'OK', reply: { status } });
			expect(outcome.reply?.msg).toBe('WhatsApp não está conectado. (WhatsApp is not connected)');
		},
	);

	it('Fails with a wrong key, saying to check the key, without showing it', async () => {
		const outcome = await testCredential(
			sandboxCredentials(sandbox.current, { apiKey: 'wrong-key-123456' }),
		);
		expect(outcome.status).toBe('Error');
		expect(outcome.message).toBe(
			'CRONCRM did not accept this API key: auth/status answered without a WhatsApp connection status. Check the API key and the Base URL.',
		);
		expect(JSON.stringify(outcome)).not.toContain('wrong-key-123456');
		expect(sandbox.current.requests[0].status).toBe(401);
	});

	it('Fails with a Base URL that is not the API (no auth/status there)', async () => {
		const outcome = await testCredential(
			sandboxCredentials(sandbox.current, { baseUrl: `${sandbox.current.origin}/api/v1` }),
		);
		expect(outcome.status).toBe('Error');
		expect(outcome.message).toMatch(/^CRONCRM did not accept this API key/);
	});

	describe('Should the live API answer a disconnected WhatsApp with success: false and an error status', () => {
		let server: Server;
		let url = '';
		beforeAll(async () => {
			// What the collection does not show: the same status field, under another envelope.
			server = createServer((req, res) => {
				const valid = req.headers.apikey === 'valid-key-123456';
				res.writeHead(valid ? 400 : 401, { 'Content-Type': 'application/json' });
				res.end(
					JSON.stringify(
						valid
							? { success: false, msg: 'WhatsApp desconectado.', status: 'DISCONNECTED' }
							: { success: false, msg: 'Chave de API inválida.' },
					),
				);
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
		});
		afterAll(async () => await new Promise((resolve) => server.close(resolve)));

		it('the Test still passes with the valid key, and fails with another', async () => {
			const valid = await testCredential({ apiKey: 'valid-key-123456', baseUrl: url });
			expect(valid).toMatchObject({ status: 'OK', reply: { status: 'DISCONNECTED' } });
			const invalid = await testCredential({ apiKey: 'other-key-123456', baseUrl: url });
			expect(invalid.status).toBe('Error');
		});
	});
});
