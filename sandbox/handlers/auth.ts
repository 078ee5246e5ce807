import type { RouteTable } from '../server';
import { fail, ok } from './common';

const SLOT_FIELDS = [
	'webhookMessage',
	'webhookIncomingCall',
	'webhookStateChanged',
	'webhookQrcode',
	'webhookLiveLocation',
	'webhookParticipantsChanged',
	'webhookAddedToGroup',
];

/**
 * The account's WhatsApp session. The collection only shows the status CONNECTED; the sandbox
 * names the other states itself (DISCONNECTED after logout, CLOSED after close).
 */
export const authRoutes: RouteTable = {
	'POST /auth/login': {
		handle: ({ body, state }) => {
			for (const field of SLOT_FIELDS) {
				const url = body[field];
				if (url !== undefined && url !== '' && !/^https?:\/\/\S+$/.test(String(url))) {
					return fail(422, `URL inválida em ${field}. (${field} must be an http(s) URL)`);
				}
			}
			if (body.phone_number !== undefined && !/^\d{8,15}$/.test(String(body.phone_number))) {
				return fail(422, 'Número inválido. (phone_number must be digits)');
			}
			// The QR code (or the pairing code) arrives at the webhooks; the sandbox pairs at once.
			state.connection.status = 'CONNECTED';
			return ok('Conexão solicitada com sucesso. Acompanhe os eventos enviados em seus WebHooks.');
		},
	},
	'POST /auth/logout': {
		handle: ({ state }) => {
			state.connection.status = 'DISCONNECTED';
			return ok('WhatsApp desconectado com sucesso.');
		},
	},
	'POST /auth/close': {
		handle: ({ state }) => {
			state.connection.status = 'CLOSED';
			return ok('Conexão encerrada com sucesso.');
		},
	},
	'GET /auth/status': {
		handle: ({ state }) =>
			ok(
				state.connection.status === 'CONNECTED'
					? 'WhatsApp conectado e disponível para uso.'
					: 'WhatsApp não está conectado. (WhatsApp is not connected)',
				{ status: state.connection.status },
			),
	},
};
