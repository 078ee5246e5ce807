/**
 * Every fixed text a WhatsApp contact reads in Send and Wait: the lines before the links in the
 * message and the pages the links open. One table per language; the node's "Page Language"
 * picks one. Labels the user sets in the node are used as set, in any language.
 */

export type PageLanguage = 'pt-BR' | 'en' | 'es';

/** CRONCRM's contacts are Brazilian. */
export const DEFAULT_PAGE_LANGUAGE: PageLanguage = 'pt-BR';

export interface PageTexts {
	/** `<html lang>` */
	lang: string;
	approve: string;
	decline: string;
	/** Before the form link in the message. */
	respond: string;
	/** The form's send button. */
	submit: string;
	/** The free-text form's one field (its answer comes out as `data.text`). */
	response: string;
	/** Title of a page that has none of its own. */
	untitled: string;
	answeredTitle: string;
	answeredText: string;
	refusedTitle: string;
	refusedText: string;
	fillIn(label: string): string;
	notANumber(label: string): string;
	chooseOption(label: string): string;
	footer: string;
}

export const PAGE_TEXTS: Record<PageLanguage, PageTexts> = {
	'pt-BR': {
		lang: 'pt-BR',
		approve: 'Aprovar',
		decline: 'Recusar',
		respond: 'Responder',
		submit: 'Enviar',
		response: 'Resposta',
		untitled: 'Sua resposta',
		answeredTitle: 'Recebemos, obrigado!',
		answeredText: 'Sua resposta foi registrada. Você já pode fechar esta página.',
		refusedTitle: 'Link inválido',
		refusedText:
			'Este link não é válido. Abra o link exatamente como o recebeu no WhatsApp. Nenhuma resposta foi registrada.',
		fillIn: (label) => `Preencha "${label}".`,
		notANumber: (label) => `"${label}" precisa ser um número.`,
		chooseOption: (label) => `Escolha uma das opções de "${label}".`,
		footer: 'Enviado pelo CRONCRM e n8n',
	},
	en: {
		lang: 'en',
		approve: 'Approve',
		decline: 'Decline',
		respond: 'Respond',
		submit: 'Submit',
		response: 'Response',
		untitled: 'Your answer',
		answeredTitle: 'Got it, thanks',
		answeredText: 'Your answer was recorded. You can close this page.',
		refusedTitle: 'Invalid link',
		refusedText:
			'This link is not valid. Open the link exactly as you received it on WhatsApp. No answer was recorded.',
		fillIn: (label) => `Please fill in "${label}".`,
		notANumber: (label) => `"${label}" must be a number.`,
		chooseOption: (label) => `Please choose one of the options of "${label}".`,
		footer: 'Sent through CRONCRM and n8n',
	},
	es: {
		lang: 'es',
		approve: 'Aprobar',
		decline: 'Rechazar',
		respond: 'Responder',
		submit: 'Enviar',
		response: 'Respuesta',
		untitled: 'Tu respuesta',
		answeredTitle: '¡Recibido, gracias!',
		answeredText: 'Tu respuesta quedó registrada. Ya puedes cerrar esta página.',
		refusedTitle: 'Enlace no válido',
		refusedText:
			'Este enlace no es válido. Ábrelo tal como lo recibiste en WhatsApp. No se registró ninguna respuesta.',
		fillIn: (label) => `Completa "${label}".`,
		notANumber: (label) => `"${label}" debe ser un número.`,
		chooseOption: (label) => `Elige una de las opciones de "${label}".`,
		footer: 'Enviado a través de CRONCRM y n8n',
	},
};

/** The table of a language; an unknown value (e.g. from an expression) gets the default. */
export function textsFor(language: unknown): PageTexts {
	return PAGE_TEXTS[language as PageLanguage] ?? PAGE_TEXTS[DEFAULT_PAGE_LANGUAGE];
}
