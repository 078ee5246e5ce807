import type {
	IDataObject,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { ApprovalOptions, FormFieldSpec, ResponseOptions, ResponseType } from './fields';
import { DEFAULT_APPROVE_LABEL, DEFAULT_DISAPPROVE_LABEL, DEFAULT_SUBMIT_LABEL } from './fields';
import { answeredPage, confirmationPage, fieldName, formPage, splitOptions } from './pages';

/**
 * Where the answer links lead. n8n serves a waiting execution's webhooks under its resume URL
 * (`<webhook-waiting>/<executionId>/<node id>`) only while that execution waits: GET shows a
 * page, POST records the answer and resumes the execution.
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

function formFieldsOf(ctx: IWebhookFunctions, responseType: ResponseType): FormFieldSpec[] {
	if (responseType === 'freeText') {
		return [{ fieldLabel: 'Response', fieldType: 'textarea', requiredField: true }];
	}
	return ctx.getNodeParameter('formFields.values', []) as FormFieldSpec[];
}

/** The answers by field label, numbers as numbers; or why the form cannot be accepted. */
function readAnswers(
	fields: FormFieldSpec[],
	values: Record<string, string>,
): { answers: IDataObject } | { error: string } {
	const answers: IDataObject = {};
	for (const [index, field] of fields.entries()) {
		const label = field.fieldLabel.trim();
		const value = (values[fieldName(index)] ?? '').trim();
		if (value === '') {
			if (field.requiredField) return { error: `Please fill in "${label}".` };
			answers[label] = field.fieldType === 'number' ? null : '';
			continue;
		}
		if (field.fieldType === 'number') {
			const number = Number(value);
			if (!Number.isFinite(number)) return { error: `"${label}" must be a number.` };
			answers[label] = number;
		} else if (
			field.fieldType === 'dropdown' &&
			!splitOptions(field.fieldOptions).includes(value)
		) {
			return { error: `Please choose one of the options of "${label}".` };
		} else {
			answers[label] = value;
		}
	}
	return { answers };
}

export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const method = this.getRequestObject().method;
	const responseType = this.getNodeParameter('responseType', 'approval') as ResponseType;
	const message = this.getNodeParameter('message', '') as string;

	if (responseType === 'approval') {
		const approved = String((this.getQueryData() as IDataObject).approved ?? 'true') !== 'false';
		if (method !== 'POST') {
			const approval = this.getNodeParameter('approvalOptions.values', {}) as ApprovalOptions;
			const label = approved
				? approval.approveLabel || DEFAULT_APPROVE_LABEL
				: approval.disapproveLabel || DEFAULT_DISAPPROVE_LABEL;
			sendPage(this, confirmationPage(message, label, approved));
			return { noWebhookResponse: true };
		}
		sendPage(this, answeredPage());
		return { noWebhookResponse: true, workflowData: [[{ json: { data: { approved } } }]] };
	}

	const options = this.getNodeParameter('responseOptions', {}) as ResponseOptions;
	const fields = formFieldsOf(this, responseType);
	const form = (error?: string, values?: Record<string, string>) =>
		formPage({
			title: options.formTitle ?? '',
			description: options.formDescription || message,
			fields,
			buttonLabel: options.buttonLabel || DEFAULT_SUBMIT_LABEL,
			error,
			values,
		});

	if (method !== 'POST') {
		sendPage(this, form());
		return { noWebhookResponse: true };
	}
	const values = submittedValues(this);
	const result = readAnswers(fields, values);
	if ('error' in result) {
		// The execution keeps waiting: n8n resumes it only when workflowData is returned.
		sendPage(this, form(result.error, values), 400);
		return { noWebhookResponse: true };
	}
	sendPage(this, answeredPage());
	const data = responseType === 'freeText' ? { text: result.answers.Response } : result.answers;
	return { noWebhookResponse: true, workflowData: [[{ json: { data } }]] };
}
