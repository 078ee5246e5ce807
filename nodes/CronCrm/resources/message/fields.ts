import type { FieldSpec } from '../../shared/fields';
import { chatId, sendAsUser, str } from '../../shared/fields';
import { sameFile } from '../../shared/alreadySent';
import type { OperationSpec } from '../../shared/operation';

/**
 * Field groups the Message operations share, built once: the send operations (chat, user,
 * Deliver Immediately), the media messages (file, image, video, audio) and the date range of
 * the searches.
 */

type SendSpec = Omit<OperationSpec, 'method' | 'deliverImmediately'>;

/** A send endpoint: the chat first, the user to attribute it to among the optional fields. */
export function sendOperation(spec: SendSpec): OperationSpec {
	return {
		...spec,
		method: 'POST',
		deliverImmediately: true,
		whatsappCheck: true,
		fields: [chatId(), ...(spec.fields ?? [])],
		optional: [...(spec.optional ?? []), sendAsUser()],
	};
}

interface MediaSpec {
	value: string;
	/** What is sent, for names and descriptions ("File", "Image"...). */
	noun: string;
	path: string;
	placeholder: string;
	mimeTypeExample: string;
	/** WhatsApp shows no caption under voice and audio messages: the endpoint takes none. */
	caption: boolean;
	/** CRONCRM's message_type for it (document, image, video, audio). */
	messageType: string;
}

/** The media sends take the same fields: a public URL, the file's name, type and size. */
export function mediaOperation(media: MediaSpec): OperationSpec {
	const noun = media.noun.toLowerCase();
	const aNoun = `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
	const optional: FieldSpec[] = [
		{
			name: 'size',
			displayName: 'Size (KB)',
			apiName: 'size',
			kind: 'number',
			description: 'Size of the file in kilobytes, as CRONCRM asks for it',
		},
	];
	if (media.caption) {
		optional.unshift({
			...str('caption', 'Caption', 'caption'),
			kind: 'text',
			description: `Text shown under the ${noun}`,
		});
	}
	return sendOperation({
		value: media.value,
		name: `Send ${media.noun}`,
		action: `Send ${aNoun}`,
		description: `Send ${aNoun} that CRONCRM fetches from a public http(s) URL. Needs the chat, the URL, the file name and the MIME type; optionally ${media.caption ? 'a caption and ' : ''}the size. Returns the chat and the stored message with the file's details (${media.path.slice(1)}).`,
		path: media.path,
		alreadySent: sameFile(media.messageType),
		fields: [
			{
				name: 'url',
				displayName: 'URL',
				apiName: 'url',
				kind: 'url',
				required: true,
				placeholder: media.placeholder,
				description: `Public http(s) URL of the ${noun}; CRONCRM downloads it from there`,
			},
			str('fileName', 'File Name', 'filename', {
				required: true,
				placeholder: media.placeholder.split('/').pop(),
				description: 'Name of the file, with its extension',
			}),
			str('mimeType', 'MIME Type', 'mime_type', {
				required: true,
				placeholder: media.mimeTypeExample,
				description: `MIME type of the ${noun}, e.g. ${media.mimeTypeExample}`,
			}),
		],
		optional,
	});
}

/** `date_start` / `date_end`, the Y-m-d range of the message searches. */
export function dateRange(what: string): FieldSpec[] {
	return [
		{
			name: 'dateStart',
			displayName: 'Date Start',
			apiName: 'date_start',
			kind: 'date',
			description: `Only ${what} from this day on`,
		},
		{
			name: 'dateEnd',
			displayName: 'Date End',
			apiName: 'date_end',
			kind: 'date',
			description: `Only ${what} up to this day`,
		},
	];
}

/** The message of CRONCRM that an operation acts on, by the access_token CRONCRM gave it. */
export function messageToken(name: string, apiName: string, description: string): FieldSpec {
	return str(name, 'Message Access Token', apiName, {
		required: true,
		placeholder: '20255DO83WOtkEJrz8dPtC0mkY20...',
		description: `${description}. It is the access_token CRONCRM gave the message (see Get Many or the reply of a send).`,
	});
}
