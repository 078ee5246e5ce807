/**
 * The shared transport (nodes/CronCrm/transport) as a user meets it: operations run through
 * n8n's engine against the sandbox, which answers with errors and injected faults.
 */
import { createServer } from 'net';

import { HIDDEN_KEY, RETRY_POLICY } from '../../nodes/CronCrm/transport';
import { runCronCrm } from '../helpers/engine';
import { failFirst, failWhere, itemError, overrideRoute, serializeRun } from '../helpers/faults';
import { useSandbox } from '../helpers/sandbox';
import { createSandbox, DEFAULT_API_KEY } from '../../sandbox/server';

const sandbox = useSandbox();

const createTag = (name = 'VIP') => ({ resource: 'tag', operation: 'create', name });
const findTags = { resource: 'tag', operation: 'getMany', returnAll: true };
const createFromItems = { resource: 'tag', operation: 'create', name: '={{ $json.name }}' };

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

describe('Transport: CRONCRM errors', () => {
	it.each([200, 400, 404, 422, 500])(
		"a reply with success: false (HTTP %i) fails the item with CRONCRM's msg",
		async (status) => {
			const restore = overrideRoute('POST /tags/create', () => ({
				status,
				body: { success: false, msg: 'Instância desconectada. (instance disconnected)' },
			}));
			try {
				const result = await runCronCrm(sandbox.current, { parameters: createTag() });
				expect(result.error?.name).toBe('NodeApiError');
				expect(result.error?.message).toBe(
					'CRONCRM: Instância desconectada. (instance disconnected)',
				);
				expect(result.error?.description).toMatch(
					new RegExp(`^POST /tags/create answered HTTP ${status}`),
				);
				expect(result.items).toHaveLength(0);
			} finally {
				restore();
			}
		},
	);

	it('a GET answered success: false with HTTP 200 is an error too, and not retried', async () => {
		const restore = overrideRoute('GET /tags/find', () => ({
			status: 200,
			body: { success: false, msg: 'Token inválido.' },
		}));
		try {
			const result = await runCronCrm(sandbox.current, { parameters: findTags });
			expect(result.error?.message).toBe('CRONCRM: Token inválido.');
			expect(result.requests).toHaveLength(1);
		} finally {
			restore();
		}
	});

	it('a POST answered success: false with HTTP 200 is not an output item', async () => {
		const restore = overrideRoute('POST /tags/create', () => ({
			status: 200,
			body: { success: false, msg: 'Limite de etiquetas atingido.' },
		}));
		try {
			const result = await runCronCrm(sandbox.current, { parameters: createTag() });
			expect(result.error?.message).toBe('CRONCRM: Limite de etiquetas atingido.');
			expect(result.requests).toHaveLength(1);
		} finally {
			restore();
		}
	});

	it('a real 404 from a handler carries its msg (tags/change with an unknown tag)', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'update',
				tag: { __rl: true, mode: 'id', value: 'no-such-token' },
				additionalFields: { name: 'x' },
			},
		});
		expect(result.error?.message).toBe('CRONCRM: Etiqueta não encontrado(a). (Etiqueta not found)');
		expect(result.error?.description).toBe('PUT /tags/change answered HTTP 404');
	});

	it.each([401, 403])('HTTP %i says to check the API key', async (status) => {
		const restore = overrideRoute('GET /tags/find', () => ({
			status,
			body: { success: false, msg: 'Acesso negado.' },
		}));
		try {
			const result = await runCronCrm(sandbox.current, { parameters: findTags });
			expect(result.error?.message).toBe(`CRONCRM refused the API key (HTTP ${status})`);
			expect(result.error?.description).toBe(
				'Check the API key in the CRONCRM credentials. CRONCRM said: Acesso negado.',
			);
			// Not a transient error: asked once.
			expect(result.requests).toHaveLength(1);
		} finally {
			restore();
		}
	});

	it("a wrong API key (the sandbox's own 401) says to check the key and never shows it", async () => {
		const secret = 'wrong-key-6f1d2c9e8b7a';
		const result = await runCronCrm(sandbox.current, {
			parameters: findTags,
			credentials: { apiKey: secret },
		});
		expect(result.error?.message).toBe('CRONCRM refused the API key (HTTP 401)');
		expect(result.error?.description).toContain('Check the API key');
		expect(serializeRun(result)).not.toContain(secret);
	});
});

describe('Transport: rate limit (429)', () => {
	it.each([
		['with Retry-After', { kind: '429', retryAfterSeconds: 0 } as const],
		['without Retry-After', { kind: '429' } as const],
	])('a 429 %s, then success: the tag is created exactly once', async (_, fault) => {
		sandbox.current.faults = failFirst(fault, 2);
		const result = await runCronCrm(sandbox.current, {
			parameters: createTag('Once'),
			credentials: { windowSeconds: 0.1 },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => r.status)).toEqual([429, 429, 201]);
		expect(sandbox.current.state.mutations).toHaveLength(1);
		expect(sandbox.current.state.tags.map((t) => t.name)).toEqual(['Once']);
		expect(result.items[0].json).toMatchObject({ success: true, tag: { name: 'Once' } });
	});

	it("the sandbox's own limit: 429s are waited out and every item succeeds once", async () => {
		const strict = await createSandbox({ rateLimit: { limit: 3, windowMs: 300 } });
		try {
			// The node believes it may send far more than the server allows.
			const result = await runCronCrm(strict, {
				parameters: createFromItems,
				items: Array.from({ length: 8 }, (_, i) => ({ name: `T${i}` })),
				credentials: { requestsPerWindow: 1000, windowSeconds: 0.3 },
			});
			expect(result.error).toBeUndefined();
			expect(strict.rejected).toBeGreaterThan(0);
			expect(result.items.map((i) => i.json.tag)).toMatchObject(
				Array.from({ length: 8 }, (_, i) => ({ name: `T${i}` })),
			);
			expect(strict.state.mutations).toHaveLength(8);
		} finally {
			await strict.close();
		}
	});

	it('a 429 that outlives the retries names the rate limit and processed nothing', async () => {
		sandbox.current.faults = failWhere(() => true, { kind: '429', retryAfterSeconds: 0 });
		const result = await runCronCrm(sandbox.current, {
			parameters: createTag(),
			credentials: { windowSeconds: 0.1 },
		});
		expect(result.error?.message).toBe(
			`CRONCRM rate limit: still rejected after ${RETRY_POLICY.rateLimitRetries} retries on POST /tags/create`,
		);
		expect(result.error?.description).toContain('n8n Processes Sending With This Key');
		expect(result.requests).toHaveLength(RETRY_POLICY.rateLimitRetries + 1);
		expect(sandbox.current.state.mutations).toHaveLength(0);
	});
});

describe('Transport: what is retried', () => {
	it.each(['500', '502', '503', 'timeout', 'reset', 'html', 'invalidJson'] as const)(
		'a GET failing with %s is retried and succeeds',
		async (kind) => {
			sandbox.current.faults = failFirst({ kind, holdMs: 800 }, 1);
			const result = await runCronCrm(sandbox.current, {
				parameters: { ...findTags, requestOptions: { timeout: 500 } },
			});
			expect(result.error).toBeUndefined();
			expect(result.requests.map((r) => r.path)).toEqual(['/tags/find', '/tags/find']);
			expect(result.requests[1].status).toBe(200);
			expect(result.items).toHaveLength(0);
		},
	);

	it('a GET that keeps failing gives up after the retries, saying how often it tried', async () => {
		sandbox.current.faults = failWhere(() => true, { kind: '503' });
		const result = await runCronCrm(sandbox.current, { parameters: findTags });
		expect(result.requests).toHaveLength(RETRY_POLICY.transientRetries + 1);
		expect(result.error?.message).toBe('CRONCRM: Erro interno.');
		expect(result.error?.description).toBe('GET /tags/find answered HTTP 503');
	});

	it.each([
		['500', 'before', 'CRONCRM: Erro interno.'],
		['502', 'after', 'CRONCRM: Erro interno.'],
		['503', 'before', 'CRONCRM: Erro interno.'],
		[
			'timeout',
			'after',
			'No reply from CRONCRM on POST /tags/create (timed out waiting for the reply)',
		],
		[
			'reset',
			'before',
			'No reply from CRONCRM on POST /tags/create (connection closed before the reply)',
		],
		[
			'reset',
			'after',
			'No reply from CRONCRM on POST /tags/create (connection closed before the reply)',
		],
	] as const)(
		'a POST failing with %s (%s processing) is NOT retried, and says so',
		async (kind, when, message) => {
			sandbox.current.faults = failFirst({ kind, when, holdMs: 800 }, 1);
			const result = await runCronCrm(sandbox.current, {
				parameters: { ...createTag('Maybe'), requestOptions: { timeout: 500 } },
			});
			expect(result.requests).toHaveLength(1);
			expect(result.error?.name).toBe('NodeApiError');
			expect(result.error?.message).toBe(message);
			expect(result.error?.description).toMatch(/Not retried.*may have processed/);
			expect(sandbox.current.state.mutations).toHaveLength(when === 'after' ? 1 : 0);
		},
	);

	it('a POST whose reply is an HTML error page is not retried and says what came back', async () => {
		sandbox.current.faults = failFirst({ kind: 'html', when: 'after' }, 1);
		const result = await runCronCrm(sandbox.current, { parameters: createTag() });
		expect(result.requests).toHaveLength(1);
		expect(result.error?.message).toBe(
			'CRONCRM sent a reply that is not JSON (HTTP 502) on POST /tags/create',
		);
		expect(result.error?.description).toBe(
			'Reply began with: 502 Bad Gateway nginx. Not retried: CRONCRM may have processed this request.',
		);
	});

	it('a POST whose reply is broken JSON is not retried and says it is not JSON', async () => {
		sandbox.current.faults = failFirst({ kind: 'invalidJson', when: 'after' }, 1);
		const result = await runCronCrm(sandbox.current, { parameters: createTag() });
		expect(result.requests).toHaveLength(1);
		expect(result.error?.message).toBe(
			'CRONCRM sent a reply that is not JSON (HTTP 200) on POST /tags/create',
		);
		expect(result.error?.description).toContain('{"success": true, "msg": "truncated');
		expect(sandbox.current.state.mutations).toHaveLength(1);
	});

	it('a GET that keeps answering HTML gives a clear error after its retries', async () => {
		sandbox.current.faults = failWhere(() => true, { kind: 'html' });
		const result = await runCronCrm(sandbox.current, { parameters: findTags });
		expect(result.requests).toHaveLength(RETRY_POLICY.transientRetries + 1);
		expect(result.error?.message).toBe(
			'CRONCRM sent a reply that is not JSON (HTTP 502) on GET /tags/find',
		);
	});

	it('a refused connection is retried even for a POST: nothing was sent', async () => {
		const port = await freePort();
		let late: Awaited<ReturnType<typeof createSandbox>> | undefined;
		// The server comes up while the transport backs off from the first refusal.
		const starting = new Promise<void>((resolve) =>
			setTimeout(() => {
				void createSandbox({ port }).then((started) => {
					late = started;
					resolve();
				});
			}, 100),
		);
		try {
			const result = await runCronCrm(sandbox.current, {
				parameters: createTag('After refusal'),
				credentials: { baseUrl: `http://127.0.0.1:${port}/api/v2` },
			});
			await starting;
			expect(result.error).toBeUndefined();
			expect(late!.requests).toHaveLength(1);
			expect(late!.state.mutations).toHaveLength(1);
			expect(result.items[0].json).toMatchObject({ tag: { name: 'After refusal' } });
		} finally {
			await starting;
			await late?.close();
		}
	});

	it('a server that never comes up: the error says to check the Base URL', async () => {
		const port = await freePort();
		const result = await runCronCrm(sandbox.current, {
			parameters: createTag(),
			credentials: { baseUrl: `http://127.0.0.1:${port}/api/v2` },
		});
		expect(result.error?.message).toBe(
			'Could not connect to CRONCRM on POST /tags/create (connection refused)',
		);
		expect(result.error?.description).toBe(
			`Tried ${RETRY_POLICY.transientRetries + 1} times (ECONNREFUSED). Check the Base URL in the CRONCRM credentials and the network.`,
		);
	});
});

describe('Transport: Continue On Fail', () => {
	it('5 items, 2 bad: 5 outputs in input order, errors where the items failed', async () => {
		// The sandbox fails the item named "Fails" (fault plans see no bodies, so a handler does).
		const restore = overrideRoute('POST /tags/create', ({ body, state }) => {
			if (body.name === 'Fails')
				return { status: 500, body: { success: false, msg: 'Erro interno.' } };
			const tag = {
				name: body.name,
				color: body.color ?? '#000000',
				access_token: `t-${state.tags.length}`,
			};
			state.tags.push(tag);
			return { status: 201, body: { success: true, msg: 'ok', tag } };
		});
		try {
			const result = await runCronCrm(sandbox.current, {
				parameters: {
					...createFromItems,
					additionalFields: { color: '={{ $json.color }}' },
				},
				items: [
					{ name: 'A', color: '#111111' },
					{ name: 'Bad color', color: 'red' },
					{ name: 'C', color: '#333333' },
					{ name: 'Fails', color: '#444444' },
					{ name: 'E', color: '#555555' },
				],
				continueOnFail: true,
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(5);
			expect(result.items.map((item) => item.pairedItem)).toEqual(
				[0, 1, 2, 3, 4].map((item) => ({ item })),
			);
			expect(
				result.items.map((item) => (item.json.tag as { name?: string })?.name ?? null),
			).toEqual(['A', null, 'C', null, 'E']);
			expect(itemError(result.items[1])).toContain('Color: expected a color as #RRGGBB');
			expect(itemError(result.items[1])).toContain('(item 1)');
			expect(itemError(result.items[3])).toContain('CRONCRM: Erro interno.');
			// The bad item reached nothing; the failing one was sent once (a POST is not retried).
			expect(result.requests.map((r) => r.body.name)).toEqual(
				expect.arrayContaining(['A', 'C', 'Fails', 'E']),
			);
			expect(result.requests).toHaveLength(4);
			expect(sandbox.current.state.tags.map((t) => t.name).sort()).toEqual(['A', 'C', 'E']);
		} finally {
			restore();
		}
	});
});

describe('Transport: the API key never shows', () => {
	it.each([
		['a 500', { kind: '500' } as const],
		['a reset', { kind: 'reset' } as const],
		['an HTML page', { kind: 'html' } as const],
		['429s until the retries run out', { kind: '429', retryAfterSeconds: 0 } as const],
	])('not in errors, descriptions or output after %s', async (_, fault) => {
		sandbox.current.faults = failWhere(() => true, fault);
		const result = await runCronCrm(sandbox.current, {
			parameters: createTag(),
			credentials: { windowSeconds: 0.1 },
			continueOnFail: true,
		});
		expect(result.items).toHaveLength(1);
		expect(itemError(result.items[0])).toBeDefined();
		const text = serializeRun(result);
		expect(text).toContain('CRONCRM');
		expect(text).not.toContain(DEFAULT_API_KEY);
	});

	it('not in a run that failed without Continue On Fail', async () => {
		sandbox.current.faults = failWhere(() => true, { kind: '502' });
		const result = await runCronCrm(sandbox.current, { parameters: createTag() });
		expect(result.error).toBeDefined();
		expect(serializeRun(result)).not.toContain(DEFAULT_API_KEY);
	});

	it("hidden where CRONCRM echoes it in a reply (an instance's api_key)", async () => {
		const restore = overrideRoute('GET /instances/find', () => ({
			body: {
				success: true,
				page: 1,
				pages: 1,
				limit: 20,
				count: 1,
				instances: [{ name: 'Vendas', api_key: DEFAULT_API_KEY }],
			},
		}));
		try {
			const result = await runCronCrm(sandbox.current, {
				parameters: { resource: 'instance', operation: 'getMany', returnAll: true },
			});
			expect(result.items[0].json).toEqual({ name: 'Vendas', api_key: HIDDEN_KEY });
			expect(serializeRun(result)).not.toContain(DEFAULT_API_KEY);
		} finally {
			restore();
		}
	});
});

describe("Transport: n8n's Retry On Fail", () => {
	it('is refused for a mutation: it would send again the items that already succeeded', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: createFromItems,
			items: [{ name: 'A' }, { name: 'B' }],
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Turn off "Retry On Fail" in this node\'s settings: it would send again the items that already succeeded',
		);
	});

	it('is allowed for a search, which is safe to repeat', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: findTags,
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
	});

	it('is allowed for a mutation when On Error is Continue (n8n then retries nothing)', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: createTag(),
			continueOnFail: true,
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		expect(result.error).toBeUndefined();
		expect(sandbox.current.state.tags).toHaveLength(1);
	});
});

describe('Transport: searches whose reply names its list differently', () => {
	it('takes the reply\'s only list when the documented key is missing (tags under "tags")', async () => {
		const restore = overrideRoute('GET /tags/find', () => ({
			body: {
				success: true,
				page: 1,
				pages: 1,
				limit: 20,
				count: 2,
				tags: [{ name: 'A' }, { name: 'B' }],
			},
		}));
		try {
			const result = await runCronCrm(sandbox.current, { parameters: findTags });
			expect(result.items.map((i) => i.json.name)).toEqual(['A', 'B']);
		} finally {
			restore();
		}
	});

	it('fails loudly, instead of returning nothing, when records are announced but no list is found', async () => {
		const restore = overrideRoute('GET /tags/find', () => ({
			body: { success: true, page: 1, pages: 1, limit: 20, count: 2, result: { a: 1 } },
		}));
		try {
			const result = await runCronCrm(sandbox.current, { parameters: findTags });
			expect(result.error?.message).toBe('CRONCRM\'s reply has no list of records under "lists"');
		} finally {
			restore();
		}
	});
});
