import type { ControlHandler, Sandbox } from '../server';
import { phpDate, type Row } from '../state';
import { newInstance } from './instance';

/**
 * Demo records for the dev environment and the end-to-end tests. Access tokens are fixed, so
 * the example workflows (examples/workflows) can point at them and keep working after every
 * restart of the sandbox, whose state lives in memory.
 */
export const SEED = {
	instances: { sales: seedToken('InstSales'), support: seedToken('InstSupport') },
	tags: {
		hotLead: seedToken('TagHotLead'),
		customer: seedToken('TagCustomer'),
		newsletter: seedToken('TagNewsletter'),
		waitingPayment: seedToken('TagWaitingPay'),
		vip: seedToken('TagVip'),
	},
	lists: { newsletter: seedToken('ListNewsletter'), webinar: seedToken('ListWebinar') },
	users: {
		ana: seedToken('UserAna'),
		bruno: seedToken('UserBruno'),
		carla: seedToken('UserCarla'),
	},
	funnels: { sales: seedToken('FunnelSales'), onboarding: seedToken('FunnelOnboard') },
	/**
	 * Chats known only by WhatsApp's privacy id (…@lid), as more and more senders arrive: one the
	 * chatbot has (status 3), one a person is handling (status 1, "Em atendimento").
	 */
	lidChats: { chatbot: '204788134928771@lid', withAPerson: '204788134928772@lid' },
	/** Contacts in the newsletter list; every 7th one opted out. */
	newsletterContacts: 45,
	optOutEvery: 7,
} as const;

/** A token shaped like CRONCRM's (year, 56 letters, date), derived from a name. */
function seedToken(name: string): string {
	let hash = 2166136261;
	for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	let letters = name;
	while (letters.length < 56) {
		hash = Math.imul(hash ^ (hash >>> 15), 2246822507) >>> 0;
		letters += alphabet[hash % alphabet.length];
	}
	return `2025${letters.slice(0, 56)}0729`;
}

const FIRST = [
	'Ana',
	'Bruno',
	'Carla',
	'Diego',
	'Elisa',
	'Felipe',
	'Gabriela',
	'Heitor',
	'Isabela',
];
const LAST = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Costa'];

function personName(index: number) {
	return `${FIRST[index % FIRST.length]} ${LAST[Math.floor(index / FIRST.length) % LAST.length]}`;
}

/** Brazilian mobile numbers in the sandbox's own range: +55 21 99000-0001 and up. */
export function seedPhone(index: number) {
	return `552199000${String(index + 1).padStart(4, '0')}`;
}

function dates() {
	return { created: phpDate(), modified: phpDate() };
}

/** A demo instance: a new sandbox instance with a known token, number and key. */
function instance(name: string, accessToken: string, phone: string): Row {
	return {
		...newInstance(name, 0),
		phone_wid: `${phone}@c.us`,
		have_external_chatbot: true,
		api_key: seedToken(`${name}Key`).slice(0, 50),
		access_token: accessToken,
	};
}

function tag(name: string, accessToken: string, color: string, description: string): Row {
	return { name, ...dates(), description, color, access_token: accessToken, chats: 0 };
}

function contact(index: number, list: Row, optOut: boolean): Row {
	return {
		name: personName(index),
		...dates(),
		phone: seedPhone(index),
		phone_wid: `${seedPhone(index)}@c.us`,
		variable01: index % 2 === 0 ? 'Rio de Janeiro' : 'São Paulo',
		variable02: '',
		variable03: '',
		variable04: '',
		variable05: '',
		variable06: '',
		description: '',
		have_whatsapp: 1,
		opt_out: optOut,
		opt_out_datetime: optOut ? phpDate().date.slice(0, 19) : '',
		access_token: seedToken(`Contact${String(list.name)}${index}`),
		// As contacts.ts stores it; contacts-croncrm/find shows it as list: { name, access_token }.
		list_access_token: list.access_token,
	};
}

function chat(index: number, tags: string[]): Row {
	return {
		...dates(),
		access_token: seedToken(`Chat${index}`),
		chat_wid: `${seedPhone(index)}@c.us`,
		is_important: false,
		is_business: false,
		is_enterprise: false,
		is_group: false,
		is_archive: false,
		pin: false,
		profile_name: personName(index),
		profile_picture: null,
		blocked: false,
		not_chatbot: false,
		unread: index % 3,
		customer_service_start: null,
		customer_service_status_id: [1, 2, 4, 5][index % 4],
		tags,
		funnel_step_access_token: null,
	};
}

/** Fills the sandbox account with a small, realistic CRONCRM account. */
export function seed(sandbox: Sandbox, options: { extraTags?: number } = {}) {
	sandbox.reset();
	const state = sandbox.state;
	const { instances, tags, lists, users, funnels } = SEED;

	state.instances.push(
		instance('Sales WhatsApp', instances.sales, '5521988240001'),
		instance('Support WhatsApp', instances.support, '5521988240002'),
	);

	state.accounts.push(
		...[
			['Ana Souza', 'ana@example.com', 1, users.ana],
			['Bruno Lima', 'bruno@example.com', 0, users.bruno],
			['Carla Mendes', 'carla@example.com', 3, users.carla],
		].map(([name, email, role, accessToken], index) => ({
			name,
			...dates(),
			email,
			phone: `55219880000${index + 1}`,
			role,
			online: index === 0,
			observations: null,
			access_token: accessToken,
		})),
	);

	state.tags.push(
		tag('Hot lead', tags.hotLead, '#E53935', 'Asked for a quote this week'),
		tag('Customer', tags.customer, '#43A047', 'Bought at least once'),
		tag('Newsletter', tags.newsletter, '#1E88E5', 'Signed up on the website'),
		tag('Waiting payment', tags.waitingPayment, '#FB8C00', 'Invoice sent, not paid'),
		tag('VIP', tags.vip, '#8E24AA', 'Key accounts'),
	);
	for (let i = 1; i <= (options.extraTags ?? 0); i++) {
		state.tags.push(
			tag(`Campaign ${String(i).padStart(2, '0')}`, seedToken(`TagCampaign${i}`), '#546E7A', ''),
		);
	}

	const newsletter: Row = {
		name: 'Newsletter subscribers',
		...dates(),
		description: 'People who signed up for the monthly newsletter',
		access_token: lists.newsletter,
	};
	const webinar: Row = {
		name: 'Webinar attendees',
		...dates(),
		description: 'Registered for the product webinar',
		access_token: lists.webinar,
	};
	state.lists.push(newsletter, webinar);
	for (let i = 0; i < SEED.newsletterContacts; i++) {
		state.contacts.push(contact(i, newsletter, (i + 1) % SEED.optOutEvery === 0));
	}
	for (let i = 0; i < 6; i++) state.contacts.push(contact(100 + i, webinar, i === 5));

	const funnelSpecs: Array<[string, string, string, string[]]> = [
		[
			'Sales pipeline',
			funnels.sales,
			'From first contact to closed deal',
			['New', 'Qualified', 'Proposal sent', 'Won'],
		],
		['Onboarding', funnels.onboarding, 'New customers getting started', ['Welcome', 'First order']],
	];
	funnelSpecs.forEach(([name, accessToken, description, steps], order) => {
		state.funnels.push({
			name,
			...dates(),
			description,
			access_token: accessToken,
			order: order + 1,
		});
		steps.forEach((stepName, index) =>
			state.funnelSteps.push({
				name: stepName,
				...dates(),
				description: '',
				color: ['#90A4AE', '#42A5F5', '#FFA726', '#66BB6A'][index % 4],
				access_token: seedToken(`Step${name}${stepName}`),
				funnel_access_token: accessToken,
				type_action: { code: 0, name: 'Não executar ações' },
				chats: 0,
			}),
		);
	});

	state.chats.push(
		chat(0, [tags.hotLead]),
		chat(1, [tags.customer, tags.vip]),
		chat(2, [tags.newsletter]),
		chat(3, []),
		{ ...chat(4, []), chat_wid: SEED.lidChats.chatbot, customer_service_status_id: 3 },
		{ ...chat(5, []), chat_wid: SEED.lidChats.withAPerson, customer_service_status_id: 1 },
	);
	for (const row of state.tags) {
		row.chats = state.chats.filter((c) =>
			(c.tags as string[]).includes(String(row.access_token)),
		).length;
	}

	state.groups.push({
		...dates(),
		access_token: seedToken('GroupCommunity'),
		chat_wid: '120363025550000001@g.us',
		is_group: true,
		is_archive: false,
		profile_name: 'Customer community',
		group_description: 'Tips and news for customers',
		group_you_it_is_admin: true,
		participants: [`${seedPhone(0)}@c.us`, `${seedPhone(1)}@c.us`],
		admins: [`${seedPhone(0)}@c.us`],
	});

	return {
		instances: state.instances.length,
		users: state.accounts.length,
		tags: state.tags.length,
		lists: state.lists.length,
		contacts: state.contacts.length,
		funnels: state.funnels.length,
		funnelSteps: state.funnelSteps.length,
		chats: state.chats.length,
		groups: state.groups.length,
	};
}

/** Sandbox-only route that fills the account with demo records for the dev environment. */
export const seedControlRoutes: Record<string, ControlHandler> = {
	'POST /seed': (sandbox, body) => ({
		body: {
			success: true,
			seeded: seed(sandbox, { extraTags: Number(body.extraTags) || 0 }),
			tokens: SEED,
		},
	}),
};
