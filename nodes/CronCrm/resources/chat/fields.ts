import type { FieldSpec } from '../../shared/fields';
import { locator, str } from '../../shared/fields';

/**
 * The contact profile a chat carries ("profile_*" in CRONCRM), built once for Create and Update.
 * Descriptions explain the Brazilian terms the API uses.
 */
export const profileFields: FieldSpec[] = [
	str('profileName', 'Name', 'profile_name', { description: "The contact's name" }),
	str('profileCpfCnpj', 'CPF or CNPJ', 'profile_cpf_cnpj', {
		description: 'Brazilian tax ID: CPF for a person, CNPJ for a company',
	}),
	str('profileEmail', 'Email', 'profile_email', { placeholder: 'name@email.com' }),
	str('profileMobile', 'Mobile Phone', 'profile_celular', {
		description: 'Mobile number ("celular")',
	}),
	str('profilePhone', 'Phone', 'profile_phone', { description: 'Landline or other phone number' }),
	str('profilePostalCode', 'Postal Code (CEP)', 'profile_cep', {
		description: 'Brazilian postal code (CEP), e.g. 01310-100',
	}),
	str('profileAddress', 'Street Address', 'profile_address'),
	str('profileNumber', 'Street Number', 'profile_number', {
		description: 'The building number of the address',
	}),
	str('profileNeighborhood', 'Neighborhood', 'profile_neighborhood', {
		description: 'District of the city ("bairro")',
	}),
	str('profileComplement', 'Address Complement', 'profile_complement', {
		description: 'Apartment, suite, block ("complemento")',
	}),
	{
		name: 'profileBirthdate',
		displayName: 'Birthdate',
		apiName: 'profile_birthdate',
		kind: 'date',
		description: 'Sent as YYYY-MM-DD',
	},
	str('profileCityIbge', 'City IBGE Code', 'profile_city_ibge', {
		description:
			"The city's 7-digit code from IBGE, Brazil's statistics institute (e.g. 3304557 for Rio de Janeiro)",
	}),
	str('profileObservations', 'Notes', 'profile_observations', {
		kind: 'text',
		description: 'Free notes about the contact ("observações")',
	}),
];

/**
 * A Funnel picker that is never sent: the Funnel Step dropdown beside it lists this funnel's
 * steps (methods/listSearch.ts reads it as "funnel").
 */
export const funnelPicker: FieldSpec = locator('funnel', 'funnel_access_token', {
	required: false,
	uiOnly: true,
	description:
		'Only narrows the Funnel Step list to the steps of this funnel; it is not sent to CRONCRM',
});

export function funnelStep(description: string): FieldSpec {
	return locator('funnelStep', 'funnel_step_access_token', {
		name: 'funnelStep',
		required: false,
		description,
	});
}

/** CRONCRM's service status of a chat (customer_service_status_id). */
export const serviceStatus: FieldSpec = {
	name: 'customerServiceStatus',
	displayName: 'Service Status',
	apiName: 'customer_service_status_id',
	kind: 'options',
	options: [
		{
			name: 'In Service',
			value: '1',
			description: 'An agent is serving the contact ("Em atendimento")',
		},
		{
			name: 'Waiting for Service',
			value: '2',
			description: 'Queued for an agent ("Aguardando atendimento")',
		},
		{ name: 'Chatbot', value: '3', description: 'The chatbot is answering' },
		{ name: 'Finished', value: '4', description: 'No service open ("Concluído")' },
		{
			name: 'API',
			value: '5',
			description: 'An interaction opened through the API, ended by Finish API Interaction',
		},
	],
	description:
		'CRONCRM\'s service status of the chat (customer_service_status_id: 1 "Em atendimento", 2 "Aguardando atendimento", 3 Chatbot, 4 "Concluído", 5 API)',
};

/**
 * `platform_too`: the collection's description spells it "plataform_too", but its body and saved
 * example say "platform_too", with the words "true"/"false" as a string; that is what is sent.
 */
export const platformToo: FieldSpec = {
	name: 'platformToo',
	displayName: 'Also in CRONCRM',
	apiName: 'platform_too',
	kind: 'boolean',
	booleanAs: 'string',
	default: true,
	description:
		"Whether to apply it to CRONCRM's records as well (platform_too); off, it applies only in the WhatsApp app",
};
