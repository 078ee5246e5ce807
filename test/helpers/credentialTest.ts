/**
 * The credential's Test, run as n8n's server runs a request-based credential test: the test
 * request becomes the routing of a temporary node, n8n-core's RoutingNode sends it with the
 * credentials, a failed request fails the test, and then the rules judge the reply's body.
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeType,
	IRunExecutionData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { CronCrmApi } from '../../credentials/CronCrmApi.credentials';
import { makeAdditionalData, nodeTypes, registerNodeType } from './engine';

const credentialType = new CronCrmApi();

/** A value by dotted path, as n8n's tester reads a rule's key (lodash's get). */
function valueAt(source: IDataObject, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>((current, key) => (current as IDataObject | undefined)?.[key], source);
}

export interface TestOutcome {
	status: 'OK' | 'Error';
	message: string;
	/** The reply the test read, when the request went through. */
	reply?: IDataObject;
}

/** Runs the credential's Test with these credential values, as n8n's Test button does. */
export async function testCredential(data: ICredentialDataDecryptedObject): Promise<TestOutcome> {
	const test = credentialType.test;
	const tempType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request: test.request },
				},
			],
		},
	};
	registerNodeType('credentialTest', tempType);
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'credentialTest',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType.name]: { id: 'croncrm', name: 'CRONCRM' } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = makeAdditionalData(data);
	const runExecutionData = { resultData: { runData: {} } } as unknown as IRunExecutionData;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	let reply: IDataObject;
	try {
		const output = await new RoutingNode(context, tempType, {
			id: 'croncrm',
			name: 'CRONCRM',
			type: credentialType.name,
			data,
		}).runNode();
		reply = output![0][0].json;
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	for (const rule of test.rules ?? []) {
		if (
			rule.type === 'responseSuccessBody' &&
			valueAt(reply, rule.properties.key) === rule.properties.value
		) {
			return { status: 'Error', message: rule.properties.message, reply };
		}
	}
	return { status: 'OK', message: 'Connection successful!', reply };
}
