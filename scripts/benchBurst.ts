/**
 * `npx tsx scripts/benchBurst.ts`: what Message → Wait for Burst to End costs a chatbot. A contact
 * types a burst (messages `--gap-ms` apart) into a sandbox chat; each message starts its own
 * "Input → CRONCRM" execution through n8n's real engine at the moment it arrives, as the trigger
 * would. Prints, per scenario: the items output (1 expected), the messages/find requests, and how
 * long after the burst's last message the answer came out (the added latency).
 * Options: --quiet 5 --gap-ms 500 --sizes 1,3,5 --history 0,45
 */
import type { IDataObject } from 'n8n-workflow';

import { receiveMessage } from '../sandbox/handlers/message';
import { createSandbox } from '../sandbox/server';
import { runCronCrm, shutdownEngine } from '../test/helpers/engine';

function argument(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : fallback;
}

const QUIET = Number(argument('quiet', '5'));
const GAP_MS = Number(argument('gap-ms', '500'));
const SIZES = argument('sizes', '1,3,5').split(',').map(Number);
/** Older messages already in the chat today (20 per page of messages/find). */
const HISTORIES = argument('history', '0,45').split(',').map(Number);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
	const sandbox = await createSandbox({ rateLimit: { limit: 10_000, windowMs: 1000 } });
	const rows: string[] = [];
	try {
		for (const history of HISTORIES) {
			for (const size of SIZES) {
				sandbox.reset();
				const chat = '5521990000099@c.us';
				for (let i = 0; i < history; i++) {
					receiveMessage(sandbox.state, chat, {
						message_body: `antes ${i}`,
						source: i % 2 ? 'in' : 'out',
						message_timestamp: (Date.now() / 1000 - 3600 + i).toFixed(6),
					});
				}
				const before = sandbox.requests.length;
				const runs: Array<Promise<{ items: number; at: number }>> = [];
				let lastAt = 0;
				for (let i = 0; i < size; i++) {
					if (i > 0) await pause(GAP_MS);
					const message = receiveMessage(sandbox.state, chat, { message_body: `parte ${i + 1}` });
					lastAt = Date.now();
					const item: IDataObject = {
						chat_wid: chat,
						message_access_token: message.access_token as string,
						text: message.message_body as string,
						timestamp: new Date().toISOString(),
					};
					runs.push(
						runCronCrm(sandbox, {
							parameters: {
								resource: 'message',
								operation: 'waitForBurst',
								chatId: '={{ $json.chat_wid }}',
								messageToken: '={{ $json.message_access_token }}',
								quietSeconds: QUIET,
							},
							items: [item],
						}).then((result) => {
							if (result.error) throw result.error;
							return { items: result.items.length, at: Date.now() };
						}),
					);
				}
				const results = await Promise.all(runs);
				const answered = results.filter((r) => r.items > 0);
				const reads = sandbox.requests
					.slice(before)
					.filter((r) => r.path === '/messages/find').length;
				const latency = answered.length ? (answered[0].at - lastAt) / 1000 : NaN;
				rows.push(
					`| ${size} | ${history} | ${answered.length} | ${reads} | ${latency.toFixed(2)} s | ${(latency - QUIET).toFixed(3)} s |`,
				);
			}
		}
	} finally {
		await sandbox.close();
		shutdownEngine();
	}
	console.log(
		`Wait for Burst to End, quiet period ${QUIET} s, messages ${GAP_MS} ms apart (sandbox on this machine)\n`,
	);
	console.log(
		'| Burst | Older messages in the chat | Items out | messages/find requests | Answer after the last message | Beyond the quiet period |',
	);
	console.log('|---|---|---|---|---|---|');
	for (const row of rows) console.log(row);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
