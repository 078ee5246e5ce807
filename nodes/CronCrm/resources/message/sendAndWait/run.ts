import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { OperationSpec } from '../../../shared/operation';
import { prepareRequest } from '../../../shared/prepare';
import { credentialsOf, croncrmRequest } from '../../../transport';
import { answerToken, TOKEN_PARAM } from './answerToken';
import type { ApprovalOptions, FormFieldSpec, ResponseOptions, ResponseType } from './fields';
import { splitOptions } from './pages';
import { DEFAULT_PAGE_LANGUAGE, textsFor, type PageTexts } from './texts';

/** n8n's "no limit" date for waiting executions (n8n-workflow's WAIT_INDEFINITELY). */
export const WAIT_INDEFINITELY = new Date('3000-01-01T00:00:00.000Z');

const UNIT_MS: Record<string, number> = {
	minutes: 60_000,
	hours: 3_600_000,
	days: 86_400_000,
};

/** One message per execution, built from the first item, as n8n's own Send and Wait nodes do. */
const ITEM = 0;

/**
 * `prepareRequest` (the shared checks of every send) runs with the single-item view n8n's
 * routing gives it; here the same view is built over the custom operation's context.
 */
function singleItemView(ctx: IExecuteFunctions, itemIndex: number): IExecuteSingleFunctions {
	const overrides: Record<string, unknown> = {
		getItemIndex: () => itemIndex,
		getNodeParameter: (name: string, fallback?: unknown) =>
			ctx.getNodeParameter(name, itemIndex, fallback),
	};
	// Everything else (credentials, helpers, the node's context that Check WhatsApp First caches
	// in) is the custom operation's own.
	return new Proxy(ctx, {
		get(target, property: string) {
			if (property in overrides) return overrides[property];
			const value = (target as unknown as Record<string, unknown>)[property];
			return typeof value === 'function'
				? (value as (...args: unknown[]) => unknown).bind(target)
				: value;
		},
	}) as unknown as IExecuteSingleFunctions;
}

function fail(ctx: IExecuteFunctions, field: string, reason: string): never {
	throw new NodeOperationError(ctx.getNode(), `${field}: ${reason} (item ${ITEM})`, {
		itemIndex: ITEM,
		description: 'Nothing was sent.',
	});
}

/** What n8n offers nodes for signed resume URLs, typed by hand: n8n-workflow 1.83 declares neither. */
interface ResumeUrlSigning {
	/** n8n from late 2024: the resume URL for this node, with n8n's `signature` over its query. */
	getSignedResumeUrl?: (query: Record<string, string>) => string;
	/** n8n 1.x: asks n8n to check that signature (1.x checks it only when asked; 2.x always). */
	setSignatureValidationRequired?: () => void;
}

/**
 * The link for one answer: the execution's resume URL for this node, with the package's token
 * for exactly this answer (answerToken.ts). n8n versions that sign resume URLs offer
 * getSignedResumeUrl, and their signature then covers the token too; older ones accept the plain
 * `$execution.resumeUrl` followed by the node's id, which is the path n8n registers for it.
 */
export function answerUrl(
	ctx: IExecuteFunctions,
	apiKey: string,
	approved?: 'true' | 'false',
): string {
	const executionId = ctx.getExecutionId();
	if (typeof executionId !== 'string' || executionId === '') {
		fail(
			ctx,
			'Send and Wait',
			'n8n gave this run no execution id, so it cannot wait for an answer',
		);
	}
	const query: Record<string, string> = approved === undefined ? {} : { approved };
	query[TOKEN_PARAM] = answerToken(apiKey, { executionId, nodeId: ctx.getNode().id, approved });

	const signed = (ctx as ResumeUrlSigning).getSignedResumeUrl;
	if (typeof signed === 'function') return signed.call(ctx, query);
	const resumeUrl = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', ITEM));
	const url = new URL(resumeUrl);
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${ctx.getNode().id}`;
	for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
	return url.toString();
}

/** The lines appended to the message: one label and link per possible answer. */
function answerLines(
	ctx: IExecuteFunctions,
	responseType: ResponseType,
	texts: PageTexts,
	apiKey: string,
): string[] {
	if (responseType === 'approval') {
		const approval = ctx.getNodeParameter('approvalOptions.values', ITEM, {}) as ApprovalOptions;
		const approve = `${approval.approveLabel || texts.approve}: ${answerUrl(ctx, apiKey, 'true')}`;
		if (approval.approvalType !== 'double') return [approve];
		return [
			approve,
			`${approval.disapproveLabel || texts.decline}: ${answerUrl(ctx, apiKey, 'false')}`,
		];
	}
	const options = ctx.getNodeParameter('responseOptions', ITEM, {}) as ResponseOptions;
	return [`${options.linkLabel || texts.respond}: ${answerUrl(ctx, apiKey)}`];
}

/** A form the contact could not fill in is refused before anything is sent. */
export function checkFormFields(ctx: IExecuteFunctions): void {
	const fields = ctx.getNodeParameter('formFields.values', ITEM, []) as FormFieldSpec[];
	if (fields.length === 0) fail(ctx, 'Form Fields', 'add at least one field to the form');
	fields.forEach((field, index) => {
		if (!field.fieldLabel?.trim()) fail(ctx, `Form Fields`, `field ${index + 1} has no label`);
		if (field.fieldType === 'dropdown' && splitOptions(field.fieldOptions).length === 0) {
			fail(
				ctx,
				`Form Fields → ${field.fieldLabel}`,
				'a dropdown needs its options, separated by commas',
			);
		}
	});
	const labels = fields.map((field) => field.fieldLabel.trim());
	const repeated = labels.find((label, index) => labels.indexOf(label) !== index);
	if (repeated)
		fail(ctx, 'Form Fields', `two fields are labelled "${repeated}"; answers are output by label`);
}

export function waitTillOf(ctx: IExecuteFunctions, now = Date.now()): Date {
	if (!ctx.getNodeParameter('limitWaitTime', ITEM, false)) return WAIT_INDEFINITELY;
	if (ctx.getNodeParameter('limitType', ITEM, 'afterTimeInterval') === 'atSpecifiedTime') {
		const value = ctx.getNodeParameter('maxDateAndTime', ITEM, '') as string;
		const date = new Date(value);
		if (!value || Number.isNaN(date.getTime())) {
			fail(ctx, 'Max Date and Time', `expected a date and time, got "${value}"`);
		}
		return date;
	}
	const amount = Number(ctx.getNodeParameter('resumeAmount', ITEM, 1));
	const unit = ctx.getNodeParameter('resumeUnit', ITEM, 'hours') as string;
	if (!Number.isFinite(amount) || amount < 0 || !UNIT_MS[unit]) {
		fail(ctx, 'Amount', `expected a number of ${unit} from 0 up, got "${amount}"`);
	}
	return new Date(now + amount * UNIT_MS[unit]);
}

/**
 * n8n's plain AI-tool variant of a node runs one call and hands its result to the agent; a call
 * that waits for days has no result to hand. n8n offers waiting to agents only through the
 * "Human review" variant it generates for Send and Wait operations (node type …HitlTool).
 */
function refusePlainToolCall(ctx: IExecuteFunctions) {
	const type = ctx.getNode().type;
	if (type.endsWith('Tool') && !type.endsWith('HitlTool')) {
		throw new NodeOperationError(
			ctx.getNode(),
			'"Send and Wait for Response" cannot run as an AI agent tool',
			{
				itemIndex: ITEM,
				description:
					'An agent\'s tool call must return at once. To have a person approve what an agent does, connect CRONCRM\'s "Human review" tool (n8n 2.x) to the agent, or use this operation in the workflow itself. Nothing was sent.',
			},
		);
	}
}

/** Sends the message with its answer links, then puts the execution to wait for the answer. */
export function sendAndWaitRun(spec: OperationSpec) {
	const prepare = prepareRequest(spec);
	return async function (this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			refusePlainToolCall(this);
			const responseType = this.getNodeParameter('responseType', ITEM, 'approval') as ResponseType;
			if (responseType === 'customForm') checkFormFields(this);
			const waitTill = waitTillOf(this);

			const body: IDataObject = {
				chat_wid: this.getNodeParameter('chatId', ITEM, '') as string,
				message: this.getNodeParameter('message', ITEM, '') as string,
				account_access_token: this.getNodeParameter('additionalFields.user', ITEM, '', {
					extractValue: true,
				}) as string,
			};
			const request = (await prepare.call(singleItemView(this, ITEM), {
				url: spec.path,
				method: spec.method,
				body,
			})) as IHttpRequestOptions;
			const prepared = request.body as IDataObject;
			const texts = textsFor(this.getNodeParameter('pageLanguage', ITEM, DEFAULT_PAGE_LANGUAGE));
			const apiKey = String((await credentialsOf(this)).apiKey ?? '');
			prepared.message = [
				String(prepared.message),
				'',
				...answerLines(this, responseType, texts, apiKey),
			].join('\n');
			// Where n8n checks its own signature only when asked (1.x), ask; the token is checked anyway.
			const signing = this as unknown as ResumeUrlSigning;
			if (typeof signing.setSignatureValidationRequired === 'function') {
				signing.setSignatureValidationRequired.call(this);
			}

			const reply = await croncrmRequest(
				this,
				{
					method: spec.method,
					url: spec.path,
					body: prepared,
					headers: request.headers as IDataObject,
					extra: {
						timeout:
							(this.getNodeParameter('requestOptions.timeout', ITEM, 0) as number) || undefined,
					},
				},
				ITEM,
			);
			await this.putExecutionToWait(waitTill);
			// Shown while the execution waits; n8n replaces it with the answer when it resumes.
			return [[{ json: reply, pairedItem: { item: ITEM } }]];
		} catch (error) {
			if (!this.continueOnFail()) {
				throw error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex: ITEM });
			}
			return [[{ json: { error: (error as Error).message }, pairedItem: { item: ITEM } }]];
		}
	};
}
