import { createServer, type IncomingHttpHeaders } from 'http';
import type { AddressInfo } from 'net';
import type { IDataObject } from 'n8n-workflow';

import { runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';
import { chatOf } from '../../sandbox/handlers/common';

const sandbox = useSandbox();

const WID = '5521988248085@c.us';
// The 8-byte PNG signature and a bit more: enough to tell the bytes arrived untouched.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** WhatsApp's picture CDN stand-in: another host than CRONCRM. */
const pictureRequests: IncomingHttpHeaders[] = [];
const cdn = createServer((req, res) => {
	pictureRequests.push(req.headers);
	if (req.url?.startsWith('/gone/')) res.writeHead(404).end('Not Found');
	else res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
});
let cdnUrl = '';
beforeAll(async () => {
	await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
	cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
});
beforeEach(() => (pictureRequests.length = 0));
afterAll(async () => await new Promise((resolve) => cdn.close(resolve)));

function tool(operation: string, parameters: IDataObject) {
	return runCronCrm(sandbox.current, {
		parameters: { resource: 'tool', operation, ...parameters },
	});
}

describe('Tool: Check WhatsApp Number (tools/have-whatsapp)', () => {
	it('GET /tools/have-whatsapp with phone as digits; a number the account knows has WhatsApp', async () => {
		chatOf(sandbox.current.state, WID);
		const result = await tool('checkWhatsapp', { phone: '+55 (21) 98824-8085' });
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({ method: 'GET', path: '/tools/have-whatsapp' });
		expect(result.requests[0].query).toEqual({ phone: '5521988248085' });
		expect(result.items[0].json).toMatchObject({
			success: true,
			profile: { status: 200, wid: WID, canReceiveMessage: true },
		});
	});

	it('A number without WhatsApp answers profile.status 404; a national number gets the Default Country Code', async () => {
		const result = await tool('checkWhatsapp', { phone: '(11) 97777-6666' });
		expect(result.error).toBeUndefined();
		expect(result.requests[0].query).toEqual({ phone: '5511977776666' });
		expect(result.items[0].json).toMatchObject({
			profile: { status: 404, wid: '5511977776666@c.us', canReceiveMessage: false },
		});
	});

	it("With the Default Country Code emptied, the number goes as typed and CRONCRM assumes the account's country", async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'tool', operation: 'checkWhatsapp', phone: '(11) 97777-6666' },
			credentials: { defaultCountryCode: '' },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0].query).toEqual({ phone: '11977776666' });
		expect(result.items[0].json).toMatchObject({ profile: { wid: '5511977776666@c.us' } });
	});

	it("Answers the id WhatsApp knows the number by: a mobile from before Brazil's ninth digit", async () => {
		chatOf(sandbox.current.state, '552188248085@c.us');
		const result = await tool('checkWhatsapp', { phone: '(21) 98824-8085' });
		expect(result.items[0].json).toMatchObject({
			profile: { status: 200, wid: '552188248085@c.us', canReceiveMessage: true },
		});
	});

	it('Something that is not a phone number stops the item before any request', async () => {
		const result = await tool('checkWhatsapp', { phone: 'call me' });
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Phone: expected a phone number with country and area code, got "call me" (item 0)',
		);
	});
});

describe('Tool: Get Profile Picture (tools/get-profile-picture)', () => {
	it('GET /tools/get-profile-picture with chat_wid returns the picture URLs', async () => {
		chatOf(sandbox.current.state, WID)!.profile_picture = `${cdnUrl}/pp/5521988248085.png`;
		const result = await tool('getProfilePicture', { chatId: '+55 21 98824-8085' });
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'GET', path: '/tools/get-profile-picture' });
		expect(result.requests[0].query).toEqual({ chat_wid: WID });
		expect(result.items[0].json).toMatchObject({
			picture: { imgFull: `${cdnUrl}/pp/5521988248085.png`, id: { _serialized: WID } },
		});
		expect(result.items[0].binary).toBeUndefined();
		expect(pictureRequests).toHaveLength(0);
	});

	it('Download File fetches picture.imgFull into binary data, typed by the host, without the API key', async () => {
		chatOf(sandbox.current.state, WID)!.profile_picture = `${cdnUrl}/pp/5521988248085.png`;
		const result = await tool('getProfilePicture', { chatId: WID, download: true });
		expect(result.error).toBeUndefined();
		const picture = result.items[0].binary?.data;
		expect(picture?.mimeType).toBe('image/png');
		expect(Buffer.from(picture!.data, 'base64')).toEqual(PNG);
		expect(pictureRequests).toHaveLength(1);
		expect(pictureRequests[0].apikey).toBeUndefined();
	});

	it('Download File on a contact without a picture says there is no URL to download', async () => {
		const result = await tool('getProfilePicture', { chatId: WID, download: true });
		expect(result.requests).toHaveLength(1);
		expect(result.error?.message).toBe('CRONCRM returned no file URL to download (item 0)');
		expect(pictureRequests).toHaveLength(0);
	});

	it('A picture the host no longer has (404) fails at once, without retries', async () => {
		chatOf(sandbox.current.state, WID)!.profile_picture = `${cdnUrl}/gone/5521988248085.png`;
		const result = await tool('getProfilePicture', { chatId: WID, download: true });
		expect(result.error?.message).toBe('Could not download the file CRONCRM pointed to (HTTP 404)');
		expect(pictureRequests).toHaveLength(1);
	});

	it('A malformed chat stops the item before any request', async () => {
		const result = await tool('getProfilePicture', { chatId: '5521988248085@broadcast' });
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(
			/^Chat: expected a phone number or a WhatsApp id .*\(item 0\)$/,
		);
	});
});
