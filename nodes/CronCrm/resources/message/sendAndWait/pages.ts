import type { FormFieldSpec } from './fields';
import type { PageTexts } from './texts';

/**
 * The pages the contact sees after opening a link from the WhatsApp message. They are plain
 * HTML forms without scripts: n8n serves them from its waiting-webhook URL, inside the sandbox
 * policy it sets on such pages, on any n8n version.
 */

export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/** Text as paragraphs, line breaks kept, nothing interpreted as HTML. */
function paragraphs(text: string): string {
	return text
		.trim()
		.split(/\n{2,}/)
		.map((block) => `<p>${escapeHtml(block).replace(/\n/g, '<br>')}</p>`)
		.join('\n');
}

const STYLE = `
body { margin: 0; background: #f2f5f3; font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1f2a24; }
main { max-width: 460px; margin: 40px auto; background: #fff; border-radius: 10px; box-shadow: 0 2px 10px rgba(0,0,0,.08); padding: 28px 28px 24px; }
h1 { font-size: 20px; margin: 0 0 12px; }
.message { font-size: 15px; line-height: 1.45; color: #3b4a42; margin-bottom: 18px; }
label { display: block; font-weight: 600; font-size: 14px; margin: 14px 0 6px; }
label .required { color: #c0392b; }
input, select, textarea { box-sizing: border-box; width: 100%; font: inherit; padding: 9px 10px; border: 1px solid #c9d3cd; border-radius: 6px; background: #fff; }
textarea { min-height: 96px; }
.error { background: #fdecea; color: #8e2a20; border-radius: 6px; padding: 8px 10px; margin-bottom: 12px; font-size: 14px; }
.buttons { display: flex; gap: 10px; margin-top: 22px; }
button { flex: 1; font: inherit; font-weight: 600; padding: 11px; border-radius: 6px; border: 1px solid #25a35a; background: #25a35a; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1f2a24; border-color: #c9d3cd; }
footer { text-align: center; font-size: 12px; color: #7a8a81; margin-top: 16px; }
`;

function page(texts: PageTexts, title: string, body: string): string {
	return `<!DOCTYPE html>
<html lang="${texts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title || texts.untitled)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
<footer>${escapeHtml(texts.footer)}</footer>
</body>
</html>`;
}

/**
 * Opening an approval link only shows this page; the answer is recorded when the button is
 * pressed. WhatsApp and link scanners open links to build previews, and that must not answer.
 */
export function confirmationPage(
	texts: PageTexts,
	message: string,
	label: string,
	approved: boolean,
): string {
	return page(
		texts,
		label,
		`${paragraphs(message) ? `<div class="message">${paragraphs(message)}</div>` : ''}
<form method="post" action="" enctype="multipart/form-data">
<div class="buttons"><button type="submit" class="${approved ? '' : 'secondary'}" data-answer="${approved}">${escapeHtml(label)}</button></div>
</form>`,
	);
}

export function formPage(options: {
	texts: PageTexts;
	title: string;
	description: string;
	fields: FormFieldSpec[];
	buttonLabel: string;
	error?: string;
	values?: Record<string, string>;
}): string {
	const inputs = options.fields.map((field, index) => {
		const name = fieldName(index);
		const id = `field-${index}`;
		const value = escapeHtml(options.values?.[name] ?? '');
		const required = field.requiredField ? ' required' : '';
		const label = `<label for="${id}">${escapeHtml(field.fieldLabel)}${
			field.requiredField ? ' <span class="required">*</span>' : ''
		}</label>`;
		switch (field.fieldType) {
			case 'textarea':
				return `${label}<textarea id="${id}" name="${name}"${required}>${value}</textarea>`;
			case 'dropdown': {
				const choices = splitOptions(field.fieldOptions)
					.map((choice) => {
						const selected = options.values?.[name] === choice ? ' selected' : '';
						return `<option value="${escapeHtml(choice)}"${selected}>${escapeHtml(choice)}</option>`;
					})
					.join('');
				return `${label}<select id="${id}" name="${name}"${required}><option value=""></option>${choices}</select>`;
			}
			default:
				return `${label}<input id="${id}" name="${name}" type="${field.fieldType}" value="${value}"${required}>`;
		}
	});
	return page(
		options.texts,
		options.title,
		`${options.title ? `<h1>${escapeHtml(options.title)}</h1>` : ''}
${options.description ? `<div class="message">${paragraphs(options.description)}</div>` : ''}
${options.error ? `<div class="error">${escapeHtml(options.error)}</div>` : ''}
<form method="post" action="" enctype="multipart/form-data">
${inputs.join('\n')}
<div class="buttons"><button type="submit">${escapeHtml(options.buttonLabel)}</button></div>
</form>`,
	);
}

export function answeredPage(texts: PageTexts): string {
	return page(
		texts,
		texts.answeredTitle,
		`<h1>${escapeHtml(texts.answeredTitle)}</h1><div class="message">${paragraphs(texts.answeredText)}</div>`,
	);
}

/** A link that is not exactly as sent: nothing is shown or recorded, the execution keeps waiting. */
export function refusedPage(texts: PageTexts): string {
	return page(
		texts,
		texts.refusedTitle,
		`<h1>${escapeHtml(texts.refusedTitle)}</h1><div class="message">${paragraphs(texts.refusedText)}</div>`,
	);
}

/** Form inputs are named by position: labels may hold any character. */
export function fieldName(index: number): string {
	return `field-${index}`;
}

export function splitOptions(options: string | undefined): string[] {
	return (options ?? '')
		.split(',')
		.map((choice) => choice.trim())
		.filter(Boolean);
}
