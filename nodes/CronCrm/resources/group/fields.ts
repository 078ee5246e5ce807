import type { FieldSpec } from '../../shared/fields';
import { chatId, choice, groupId, str, PERSON_WID_KINDS } from '../../shared/fields';

/**
 * Group settings, the same on Create and Update. CRONCRM takes them as the strings "0"/"1"
 * (the saved example sends "1").
 */
const who = (label: string): Array<[string, string, string]> => [
	['All Participants', '0', `Every participant can ${label}`],
	['Admins Only', '1', `Only admins can ${label}`],
];

export const groupSettings: FieldSpec[] = [
	str('description', 'Description', 'description', { kind: 'text' }),
	choice('announce', 'Who Can Send Messages', 'announce', who('send messages'), {
		required: false,
		description: 'Who can send messages in the group (announce)',
	}),
	choice('restrict', 'Who Can Edit Group Info', 'restrict', who('edit the group info'), {
		required: false,
		description: "Who can edit the group's name, description and picture (restrict)",
	}),
	choice(
		'ephemeralDuration',
		'Disappearing Messages',
		'ephemeral_duration',
		[
			['Off', '0'],
			['On', '1'],
		],
		{
			required: false,
			description: 'Whether messages disappear after a while (ephemeral_duration)',
		},
	),
	{
		name: 'profilePicture',
		displayName: 'Picture URL',
		apiName: 'profile_picture',
		kind: 'url',
		description: 'Public http(s) URL of the group picture',
		placeholder: 'https://example.com/picture.jpg',
	},
];

export const inviteLink: FieldSpec = {
	name: 'inviteLink',
	displayName: 'Invite Link',
	apiName: 'invite_link',
	kind: 'url',
	required: true,
	placeholder: 'https://chat.whatsapp.com/AbCdEfGhIjK',
	description: "The group's WhatsApp invite link",
};

/** The group, the participant (contact_wid) and what to do to them, in the API's words. */
export function participantAction(actions: Array<[string, string, string]>): FieldSpec[] {
	return [
		groupId(),
		chatId({
			name: 'participant',
			displayName: 'Participant',
			apiName: 'contact_wid',
			widKinds: PERSON_WID_KINDS,
			description: 'Phone number (any formatting, with country and area code) or WhatsApp ID',
		}),
		choice('type', 'Action', 'type', actions),
	];
}

/** The message and its mentions, the same for both ways of mentioning. */
export const mentionFields: FieldSpec[] = [
	str('message', 'Message', 'message', {
		kind: 'text',
		required: true,
		description:
			'The text; write @ and the number of each mentioned participant in it, e.g. "Hi @5521988248085"',
	}),
	{
		name: 'mentions',
		displayName: 'Mentions',
		apiName: 'mentions',
		kind: 'widList',
		widKinds: PERSON_WID_KINDS,
		// The collection shows one mention only; commas are a guess, like its other lists
		// (contact_list). participants use ";" because groups/create's description says so.
		separator: ',',
		required: true,
		description:
			'Participants mentioned in the message: phone numbers or WhatsApp IDs, separated by commas',
	},
];
