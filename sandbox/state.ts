import { randomBytes } from 'crypto';

/** CRONCRM's date objects: PHP DateTime serialized, in São Paulo time. */
export function phpDate(date = new Date()) {
	const local = new Date(date.getTime() - 3 * 3600_000);
	return {
		date: local.toISOString().replace('T', ' ').replace('Z', '000').slice(0, 26),
		timezone_type: 3,
		timezone: 'America/Sao_Paulo',
	};
}

/** Access tokens look like CRONCRM's: a year, random letters, a date. */
export function newToken(): string {
	const letters = randomBytes(48)
		.toString('base64')
		.replace(/[^A-Za-z0-9]/g, '');
	return `2025${letters.slice(0, 56)}0729`;
}

export const PAGE_SIZE = 20;

/** One page of records, in CRONCRM's paging envelope. */
export function page<T>(records: T[], pageParam: unknown, rootProperty: string) {
	const pageNumber = Math.max(1, Number(pageParam) || 1);
	const pages = Math.max(1, Math.ceil(records.length / PAGE_SIZE));
	return {
		success: true,
		msg: 'Consulta realizada com sucesso.',
		page: pageNumber,
		pages,
		limit: PAGE_SIZE,
		count: records.length,
		[rootProperty]: records.slice((pageNumber - 1) * PAGE_SIZE, pageNumber * PAGE_SIZE),
	};
}

/** Case-insensitive "equals or resembles", as CRONCRM's name searches describe themselves. */
export function resembles(value: unknown, query: unknown): boolean {
	if (query === undefined || query === '') return true;
	return String(value ?? '')
		.toLowerCase()
		.includes(String(query).toLowerCase());
}

export type Row = Record<string, unknown>;

/**
 * Everything the sandbox account holds. Handlers read and change it; tests inspect it.
 * Each resource's handler file owns its own collection here.
 */
export interface SandboxState {
	tags: Row[];
	lists: Row[];
	contacts: Row[];
	funnels: Row[];
	funnelSteps: Row[];
	leads: Row[];
	instances: Row[];
	accounts: Row[];
	chats: Row[];
	messages: Row[];
	groups: Row[];
	whatsappContacts: Row[];
	blockedContacts: string[];
	/**
	 * The WhatsApp session. `disconnectAfterSends` (sandbox only): the session drops after that
	 * many more sends, as a phone losing its connection in the middle of a campaign.
	 */
	connection: { status: string; disconnectAfterSends?: number };
	/** Mutations processed, in order: the fault suite counts duplicates here. */
	mutations: Array<{ route: string; body: unknown; at: number }>;
	/** Webhook calls the sandbox made to registered URLs, with the status each got. */
	hookDeliveries: Array<{
		slot: string;
		hook: string;
		url: string;
		status: number;
		body: unknown;
		at: number;
	}>;
}

export function emptyState(): SandboxState {
	return {
		tags: [],
		lists: [],
		contacts: [],
		funnels: [],
		funnelSteps: [],
		leads: [],
		instances: [],
		accounts: [],
		chats: [],
		messages: [],
		groups: [],
		whatsappContacts: [],
		blockedContacts: [],
		connection: { status: 'CONNECTED' },
		mutations: [],
		hookDeliveries: [],
	};
}
