/**
 * The CRONCRM nodes in n8n's real editor, in headless Chromium (Debian's package, driven by
 * playwright-core): what a user does the first time, with a screenshot at each step.
 * Every screenshot goes to the artifacts folder; with --update-screenshots the ones named in
 * README_SHOTS are copied to docs/screenshots for the README.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, selectors, type BrowserContext, type Page } from 'playwright-core';

import { CHROMIUM_ARGS, freshProfileDir } from '../../scripts/lib/browser';
import { OWNER, REPO_ROOT } from '../../scripts/lib/stack';
import { SEED } from '../../sandbox/handlers/seed';
import { eventually, fireHook, Suite } from './harness';

/** Screenshots worth showing before installing, copied to docs/screenshots. */
const README_SHOTS = [
	'nodes-panel',
	'tag-dropdown',
	'action-output',
	'trigger-events',
	'trigger-output',
	'broadcast-run',
	'schema-preview',
	'agent-tools-panel',
	'agent-tool',
];

export interface BrowserTarget {
	n8nUrl: string;
	sandbox: { origin: string };
}

export function browserSuite(
	stack: BrowserTarget,
	chromiumPath: string,
	artifacts: string,
	options: { updateReadmeShots?: boolean } = {},
): Suite {
	const suite = new Suite('Browser: the CRONCRM nodes in the n8n editor (headless Chromium)');
	const shotsDir = join(artifacts, 'screenshots');
	let context: BrowserContext;
	let page: Page;
	let profile: string;

	/** A test that leaves a screenshot of the page when it fails. */
	const test = (name: string, fn: () => Promise<void>) =>
		suite.test(name, async () => {
			try {
				await fn();
			} catch (error) {
				await shot(`FAILED ${name.replace(/[^\w ,-]/g, '')}`).catch(() => undefined);
				throw error;
			}
		});

	async function shot(name: string) {
		mkdirSync(shotsDir, { recursive: true });
		await page.screenshot({ path: join(shotsDir, `${name}.png`) });
	}

	/** An option of the open n8n select, by its exact name (options also show a description). */
	const option = (name: string) => {
		const exact = new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
		return page
			.locator('[data-test-id="parameter-input-item"]:visible')
			.filter({ has: page.locator('.option-headline', { hasText: exact }) });
	};

	async function choose(parameter: string, name: string) {
		await page.getByTestId(`parameter-input-${parameter}`).click();
		await option(name).first().click();
		await assertParameterShows(parameter, name);
	}

	async function assertParameterShows(parameter: string, name: string) {
		await eventually(`${parameter} to show "${name}"`, async () => {
			const value = await page
				.getByTestId(`parameter-input-${parameter}`)
				.locator('input')
				.first()
				.inputValue();
			return value === name ? true : undefined;
		});
	}

	/** Opens a resource locator's list and returns the names it shows. */
	async function openLocator(parameter: string): Promise<string[]> {
		const locator = page.getByTestId(`resource-locator-${parameter}`);
		await locator.getByTestId('rlc-input').click();
		const items = page.getByTestId('rlc-item');
		await items.first().waitFor({ timeout: 15_000 });
		return (await items.allInnerTexts()).map((text) => text.trim());
	}

	async function addNodeFromPanel(search: string) {
		await page.getByTestId('node-creator-plus-button').click();
		await page.getByTestId('node-creator-search-bar').fill(search);
	}

	/**
	 * A new workflow's first step: the manual trigger. The panel lists it as "Trigger manually"
	 * until the search applies, then as "Manual Trigger"; either is the same node.
	 */
	async function startWithManualTrigger() {
		await page.getByTestId('canvas-plus-button').click();
		await page.getByTestId('node-creator-search-bar').fill('manual');
		await page
			.getByTestId('node-creator-item-name')
			.getByText(/^(Manual Trigger|Trigger manually)$/)
			.first()
			.click();
		await page.getByTestId('canvas-trigger-node').first().waitFor();
	}

	/**
	 * A new workflow with a manual trigger (an action needs a trigger before it on the canvas),
	 * and the nodes panel open on the CRONCRM node's actions.
	 */
	async function openCronCrmActions() {
		await page.goto(`${stack.n8nUrl}/workflow/new`);
		await startWithManualTrigger();
		await addNodeFromPanel('CRONCRM');
		const creator = page.getByTestId('node-creator');
		await creator
			.getByTestId('node-creator-item-name')
			.getByText('CRONCRM', { exact: true })
			.click();
		return creator;
	}

	test('start a fresh headless Chromium', async () => {
		selectors.setTestIdAttribute('data-test-id');
		profile = freshProfileDir();
		context = await chromium.launchPersistentContext(profile, {
			executablePath: chromiumPath,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: { width: 1440, height: 900 },
		});
		context.setDefaultTimeout(20_000);
		page = context.pages()[0] ?? (await context.newPage());
	});

	test('log in as the owner', async () => {
		await page.goto(`${stack.n8nUrl}/signin`);
		await page.getByTestId('emailOrLdapLoginId').locator('input').fill(OWNER.email);
		await page.getByTestId('password').locator('input').fill(OWNER.password);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL(/\/(home|workflows)/);
	});

	test('the nodes panel finds CRONCRM and lists its actions', async () => {
		const creator = await openCronCrmActions();
		await creator.getByText('Add or remove a tag in a chat').waitFor();
		await creator.getByText('Send a text message').waitFor();
		await shot('nodes-panel');
	});

	test('add the node, pick resource and operation, see the sandbox instances', async () => {
		await page.getByTestId('node-creator').getByText('Send a text message').click();
		await page.getByTestId('ndv').waitFor();
		await assertParameterShows('resource', 'Message');
		await assertParameterShows('operation', 'Send Text');
		// The sandbox credential was picked automatically: it is the only CRONCRM credential.
		await assert.doesNotReject(page.getByTestId('node-credentials-select').waitFor());

		await choose('resource', 'Instance');
		await choose('operation', 'Update');
		const instances = await openLocator('instance');
		assert.deepEqual(instances.slice(0, 2), ['Sales WhatsApp', 'Support WhatsApp']);
		await shot('instance-dropdown');
		await page.keyboard.press('Escape');
	});

	test('the Tag dropdown shows the sandbox tags; executing tags the chat', async () => {
		await choose('resource', 'Tag');
		await choose('operation', 'Add or Remove in Chat');
		const tags = await openLocator('tag');
		assert.deepEqual(tags.slice(0, 5), [
			'Hot lead',
			'Customer',
			'Newsletter',
			'Waiting payment',
			'VIP',
		]);
		await shot('tag-dropdown');
		await page.getByTestId('rlc-item').filter({ hasText: 'VIP' }).click();

		await page
			.getByTestId('parameter-input-chatId')
			.locator('input, textarea')
			.first()
			.fill('+55 (21) 99000-0003');
		await page.getByTestId('node-execute-button').click();
		const output = page.getByTestId('output-panel');
		await output.getByText('Etiqueta vinculada com sucesso.').first().waitFor({ timeout: 30_000 });
		await shot('action-output');

		// What the sandbox received from the click.
		const state = (await (await fetch(`${stack.sandbox.origin}/__sandbox/state`)).json()) as {
			chats: Array<{ chat_wid: string; tags: string[] }>;
		};
		const chat = state.chats.find((c) => c.chat_wid === '5521990000003@c.us');
		assert.ok(chat?.tags.includes(SEED.tags.vip), 'the chat carries the VIP tag');
		await page.getByTestId('ndv-close-button').click();
	});

	test("before any run, the next node lists the CRONCRM node's output fields and one maps by drag and drop", async () => {
		const since = Date.now();
		const creator = await openCronCrmActions();
		await creator.getByText('Get many tags').click();
		await page.getByTestId('ndv').waitFor();
		await page.getByTestId('ndv-close-button').click();

		// Edit Fields after the CRONCRM node, which has never run.
		await page.getByTestId('canvas-handle-plus').last().click();
		await page.getByTestId('node-creator-search-bar').fill('Edit Fields');
		await page.getByTestId('node-creator-item-name').getByText('Edit Fields (Set)').click();
		await page.getByTestId('ndv').waitFor();
		const input = page.getByTestId('ndv-input-panel');
		// The fields come from the package's __schema__/v1.0.0/tag/getMany.json.
		await input.getByText('Usually outputs the following fields').waitFor();
		for (const field of ['name', 'color', 'access_token', 'chats'])
			await input.getByText(field, { exact: true }).first().waitFor();

		// Drag access_token onto the fields to set, as a user maps it.
		const pill = input.getByText('access_token', { exact: true }).first();
		const target = page.getByTestId('assignment-collection-drop-area');
		const from = (await pill.boundingBox())!;
		const to = (await target.boundingBox())!;
		await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
		await page.mouse.down();
		for (let step = 1; step <= 20; step++) {
			await page.mouse.move(
				from.x + ((to.x + to.width / 2 - from.x) * step) / 20,
				from.y + ((to.y + to.height / 2 - from.y) * step) / 20,
			);
		}
		await page.mouse.up();
		await page.getByTestId('ndv').getByText('{{ $json.access_token }}').first().waitFor();
		await shot('schema-preview');

		const requests = (await (
			await fetch(`${stack.sandbox.origin}/__sandbox/requests`)
		).json()) as Array<{
			route: string;
			at: number;
		}>;
		assert.deepEqual(
			requests.filter((r) => r.at >= since && r.route === 'GET /tags/find'),
			[],
			'the CRONCRM node did not run',
		);
		await page.getByTestId('ndv-close-button').click();
	});

	test('an AI Agent offers the CRONCRM tool; its fields can be left to the model ($fromAI)', async () => {
		await page.goto(`${stack.n8nUrl}/workflow/new`);
		await startWithManualTrigger();
		await addNodeFromPanel('AI Agent');
		await page.getByTestId('node-creator-item-name').getByText('AI Agent', { exact: true }).click();
		const ndv = page.getByTestId('ndv');
		await ndv.waitFor();
		await page.getByTestId('ndv-close-button').click();

		// The agent's Tool input.
		await page
			.locator('[data-test-id="canvas-node-input-handle"][data-connection-type="ai_tool"]')
			.getByTestId('canvas-handle-plus')
			.click();
		await page.getByTestId('node-creator-search-bar').fill('CRONCRM');
		const creator = page.getByTestId('node-creator');
		const tool = creator.getByTestId('node-creator-item-name').getByText('CRONCRM Tool', {
			exact: true,
		});
		await tool.waitFor();
		await shot('agent-tools-panel');
		await tool.click();
		await ndv.waitFor();
		await assertParameterShows('operation', 'Send Text');

		// The sparkle button beside a field hands it to the model: n8n writes $fromAI(...) there.
		const handOver = page.getByTestId('from-ai-override-button');
		const byModel = ndv.getByText('Defined automatically by the model');
		// In form order, Chat's button comes first, then Message's.
		assert.equal(
			await handOver.count(),
			5,
			'Chat, Message, Deliver Immediately, Check WhatsApp First and Skip If Already Sent',
		);
		for (const parameter of ['Chat', 'Message']) {
			const before = await byModel.count();
			await handOver.first().click();
			await eventually(`${parameter} to be defined by the model`, async () =>
				(await byModel.count()) > before ? true : undefined,
			);
		}
		assert.equal(await byModel.count(), 2);
		assert.equal(
			await handOver.count(),
			3,
			'Deliver Immediately, Check WhatsApp First and Skip If Already Sent are still set by hand',
		);
		await shot('agent-tool');
		await page.getByTestId('ndv-close-button').click();
	});

	test('the trigger lists its events; listening receives a message from the sandbox', async () => {
		// A new workflow: on an empty canvas the nodes panel offers the trigger's events.
		await page.goto(`${stack.n8nUrl}/workflow/new`);
		await page.getByTestId('canvas-plus-button').click();
		await page.getByTestId('node-creator-search-bar').fill('CRONCRM');
		const creator = page.getByTestId('node-creator');
		await creator
			.getByTestId('node-creator-item-name')
			.getByText('CRONCRM', { exact: true })
			.click();
		for (const event of [
			'On Message Received',
			'On Message Status Changed',
			'On Incoming Call',
			'On Added to Group',
		]) {
			await creator.getByText(event, { exact: true }).waitFor();
		}
		await shot('trigger-events');
		await creator.getByText('On Message Received', { exact: true }).click();
		await page.getByTestId('ndv').waitFor();

		const instances = await openLocator('instance');
		assert.deepEqual(instances.slice(0, 2), ['Sales WhatsApp', 'Support WhatsApp']);
		await page.getByTestId('rlc-item').filter({ hasText: 'Sales WhatsApp' }).click();

		// Listening registers the test URL in the instance; the sandbox then plays a message.
		await page.getByTestId('node-execute-button').click();
		await eventually('the sandbox to deliver onReceived to the test URL', async () => {
			const result = await fireHook(stack.sandbox.origin, {
				instance: SEED.instances.sales,
				hook: 'onReceived',
				payload: {
					chat: { chat_wid: '5521990000004@c.us' },
					message: { message_body: 'Oi! Vocês entregam em Niterói?' },
				},
			});
			return result.delivered ? true : undefined;
		});
		await page
			.getByTestId('output-panel')
			.getByText('Oi! Vocês entregam em Niterói?')
			.first()
			.waitFor({ timeout: 30_000 });
		await shot('trigger-output');
		await page.getByTestId('ndv-close-button').click();
	});

	test('the broadcast example sends to every contact of the list who did not opt out', async () => {
		const since = Date.now();
		await page.goto(`${stack.n8nUrl}/home/workflows`);
		await page
			.getByTestId('workflow-card-name')
			.getByText('CRONCRM: broadcast to a contact list')
			.click();
		await page.getByTestId('execute-workflow-button').click();
		const expected =
			SEED.newsletterContacts - Math.floor(SEED.newsletterContacts / SEED.optOutEvery);
		const sends = await eventually(
			`${expected} sends`,
			async () => {
				const requests = (await (
					await fetch(`${stack.sandbox.origin}/__sandbox/requests`)
				).json()) as Array<{
					route: string;
					at: number;
					body: { chat_wid?: string };
				}>;
				const sent = requests.filter(
					(r) => r.at >= since && r.route === 'POST /messages/send-message-text',
				);
				return sent.length >= expected ? sent : undefined;
			},
			60_000,
		);
		assert.equal(sends.length, expected);
		// Contacts 7, 14, 21... opted out: none of them got the newsletter.
		const optedOut = `5521990000${String(SEED.optOutEvery).padStart(4, '0')}@c.us`;
		assert.ok(
			!sends.some((r) => r.body.chat_wid === optedOut),
			'an opted-out contact got the message',
		);
		await page.getByText(`${expected} items`).first().waitFor({ timeout: 30_000 });
		await shot('broadcast-run');
	});

	test('keep the best screenshots for the README', async () => {
		for (const name of README_SHOTS)
			assert.ok(existsSync(join(shotsDir, `${name}.png`)), `${name}.png taken`);
		// Copied into the repository only on request, so that test runs leave the tree clean.
		if (!options.updateReadmeShots) return;
		const docs = join(REPO_ROOT, 'docs', 'screenshots');
		mkdirSync(docs, { recursive: true });
		for (const name of README_SHOTS)
			copyFileSync(join(shotsDir, `${name}.png`), join(docs, `${name}.png`));
	});

	test('close the browser', async () => {
		await context?.close();
		rmSync(profile, { recursive: true, force: true });
	});

	return suite;
}
