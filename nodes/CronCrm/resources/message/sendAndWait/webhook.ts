import type {
	IDataObject,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { credentialsOf } from '../../../transport';
import { isGenuineAnswer, TOKEN_PARAM } from './answerToken';
import type { ApprovalOptions, FormFieldSpec, ResponseOptions, ResponseType } from './fields';
import {
	answeredPage,
	confirmationPage,
	fieldName,
	formPage,
	refusedPage,
	splitOptions,
} from './pages';
import { DEFAULT_PAGE_LANGUAGE, textsFor, type PageTexts } from './texts';

/**
 * Where the answer links lead. n8n serves a waiting execution's webhooks under its resume URL
 * (`<webhook-waiting>/<executionId>/<node id>`) only while that execution waits: GET shows a
 * page, POST records the answer and resumes the execution. Both first check the link's token
 * (answerToken.ts) and refuse a link that is not exactly as sent.
 */
export const sendAndWaitWebhooks: IWebhookDescription[] = (['GET', 'POST'] as const).map(
	(httpMethod) => ({
		name: 'default',
		httpMethod,
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	}),
);

/** The response object both n8n (express) and plain Node servers give: enough to send a page. */
interface PageResponse {
	statusCode: number;
	setHeader(name: string, value: string): unknown;
	end(body: string): unknown;
}

function sendPage(ctx: IWebhookFunctions, html: string, status = 200) {
	const res = ctx.getResponseObject() as unknown as PageResponse;
	res.statusCode = status;
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	// The pages need no script and post only to themselves.
	res.setHeader(
		'Content-Security-Policy',
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	);
	res.end(html);
}

/**
 * Form values as n8n hands them over: a multipart form arrives as `{ data, files }`, a
 * urlencoded one as the fields themselves.
 */
function submittedValues(ctx: IWebhookFunctions): Record<string, string> {
	const body = (ctx.getBodyData() ?? {}) as IDataObject;
	const fields = (body.data && typeof body.data === 'object' ? body.data : body) as IDataObject;
	const values: Record<string, string> = {};
	for (const [key, value] of Object.entries(fields)) {
		values[key] = Array.isArray(value) ? String(value[0] ?? '') : String(value ?? '');
	}
	return values;
}

function formFieldsOf(
	ctx: IWebhookFunctions,
	responseType: ResponseType,
	texts: PageTexts,
): FormFieldSpec[] {
	if (responseType === 'freeText') {
		return [{ fieldLabel: texts.response, fieldType: 'textarea', requiredField: true }];
	}
	return ctx.getNodeParameter('formFields.values', []) as FormFieldSpec[];
}

/** The answers by field label, numbers as numbers; or why the form cannot be accepted. */
function readAnswers(
	fields: FormFieldSpec[],
	values: Record<string, string>,
	texts: PageTexts,
): { answers: IDataObject } | { error: string } {
	const answers: IDataObject = {};
	for (const [index, field] of fields.entries()) {
		const label = field.fieldLabel.trim();
		const value = (values[fieldName(index)] ?? '').trim();
		if (value === '') {
			if (field.requiredField) return { error: texts.fillIn(label) };
			answers[label] = field.fieldType === 'number' ? null : '';
			continue;
		}
		if (field.fieldType === 'number') {
			const number = Number(value);
			if (!Number.isFinite(number)) return { error: texts.notANumber(label) };
			answers[label] = number;
		} else if (
			field.fieldType === 'dropdown' &&
			!splitOptions(field.fieldOptions).includes(value)
		) {
			return { error: texts.chooseOption(label) };
		} else {
			answers[label] = value;
		}
	}
	return { answers };
}

/**
 * The `approved` value of the link, if the link is one this node could have sent for its
 * response type: approval links carry "true" or "false", form links none.
 */
function answerOf(
	responseType: ResponseType,
	query: IDataObject,
): { approved?: 'true' | 'false' } | undefined {
	const approved = query.approved;
	if (responseType !== 'approval') return approved === undefined ? {} : undefined;
	return approved === 'true' || approved === 'false' ? { approved } : undefined;
}

/**
 * The answer of a link that is exactly one this node sent for this execution, else undefined: its
 * token must be the one for this execution, this node and this answer. The execution id is the
 * one n8n is about to resume, which n8n takes from the link's path: a link whose execution id was
 * changed resumes (and is checked against) the other execution, whose token it does not carry.
 */
async function genuineAnswer(
	ctx: IWebhookFunctions,
	responseType: ResponseType,
	query: IDataObject,
): Promise<{ approved?: 'true' | 'false' } | undefined> {
	const answer = answerOf(responseType, query);
	if (!answer) return undefined;
	const apiKey = String((await credentialsOf(ctx)).apiKey ?? '');
	const identity = { executionId: ctx.getExecutionId(), nodeId: ctx.getNode().id, ...answer };
	return isGenuineAnswer(apiKey, identity, query[TOKEN_PARAM]) ? answer : undefined;
}

export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const method = this.getRequestObject().method;
	const texts = textsFor(this.getNodeParameter('pageLanguage', DEFAULT_PAGE_LANGUAGE));
	const responseType = this.getNodeParameter('responseType', 'approval') as ResponseType;
	const message = this.getNodeParameter('message', '') as string;

	// Before any page is shown or any answer recorded. The execution keeps waiting: n8n resumes
	// it only when workflowData is returned.
	const answer = await genuineAnswer(this, responseType, this.getQueryData() as IDataObject);
	if (!answer) {
		sendPage(this, refusedPage(texts), 403);
		return { noWebhookResponse: true };
	}

	if (responseType === 'approval') {
		const approved = answer.approved === 'true';
		if (method !== 'POST') {
			const approval = this.getNodeParameter('approvalOptions.values', {}) as ApprovalOptions;
			const label = approved
				? approval.approveLabel || texts.approve
				: approval.disapproveLabel || texts.decline;
			sendPage(this, confirmationPage(texts, message, label, approved));
			return { noWebhookResponse: true };
		}
		sendPage(this, answeredPage(texts));
		return { noWebhookResponse: true, workflowData: [[{ json: { data: { approved } } }]] };
	}

	const options = this.getNodeParameter('responseOptions', {}) as ResponseOptions;
	const fields = formFieldsOf(this, responseType, texts);
	const form = (error?: string, values?: Record<string, string>) =>
		formPage({
			texts,
			title: options.formTitle ?? '',
			description: options.formDescription || message,
			fields,
			buttonLabel: options.buttonLabel || texts.submit,
			error,
			values,
		});

	if (method !== 'POST') {
		sendPage(this, form());
		return { noWebhookResponse: true };
	}
	const values = submittedValues(this);
	const result = readAnswers(fields, values, texts);
	if ('error' in result) {
		// The execution keeps waiting: n8n resumes it only when workflowData is returned.
		sendPage(this, form(result.error, values), 400);
		return { noWebhookResponse: true };
	}
	sendPage(this, answeredPage(texts));
	const data =
		responseType === 'freeText' ? { text: result.answers[texts.response] } : result.answers;
	return { noWebhookResponse: true, workflowData: [[{ json: { data } }]] };
}
