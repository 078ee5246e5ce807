import type { IDataObject } from 'n8n-workflow';

import { groupId, sendAsUser, str, PERSON_WID_KINDS } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';
import { sameText } from '../../shared/alreadySent';
import { groupSettings, inviteLink, mentionFields, participantAction } from './fields';

/** WhatsApp groups ("grupos") of the connected number. */
export const groupResource: ResourceSpec = {
	value: 'group',
	name: 'Group',
	description: 'WhatsApp groups ("grupos"): members, admins, invite links, mentions',
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a group',
			description:
				"Create a WhatsApp group. Needs the name; optionally description, settings, picture URL and participants' phone numbers. Returns the group's WhatsApp ID, settings and the participants it could not add (groups/create).",
			method: 'POST',
			path: '/groups/create',
			fields: [str('name', 'Name', 'name', { required: true })],
			optional: [
				...groupSettings,
				{
					name: 'participants',
					displayName: 'Participants',
					apiName: 'participants',
					kind: 'widList',
					widKinds: PERSON_WID_KINDS,
					// The description says the participants are separated by ";".
					separator: ';',
					description:
						'Phone numbers or WhatsApp IDs of the people to add, separated by commas, semicolons or new lines',
				},
			],
			// The group is created even when some participants cannot be added.
			partialFailures: (reply) => {
				const failed = (reply.group as IDataObject | undefined)?.fail_add_participants;
				return Array.isArray(failed) && failed.length > 0
					? [`not added to the group: ${failed.map(String).join(', ')}`]
					: [];
			},
		},
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many groups',
			description:
				'List the groups of the connected number with their settings and participants. CRONCRM can be slow with many groups, so each page may take up to 5 minutes. Returns one item per group (groups/find).',
			method: 'GET',
			path: '/groups/find',
			pagedRecords: 'groups',
			// The collection: "depending on the number of groups, this method can take long".
			slow: true,
		},
		{
			value: 'getMembers',
			name: 'Get Members',
			action: 'Get the members of a group',
			description:
				'List the participants of a group this number belongs to. Needs the group. Returns one item per participant with their WhatsApp ID and name (groups/get-members).',
			method: 'GET',
			path: '/groups/get-members',
			pagedRecords: 'participants',
			fields: [groupId()],
		},
		{
			value: 'getAdmins',
			name: 'Get Admins',
			action: 'Get the admins of a group',
			description:
				'List the admins of a group this number belongs to. Needs the group. Returns one item per admin with their WhatsApp ID (groups/get-admins).',
			method: 'GET',
			path: '/groups/get-admins',
			pagedRecords: 'admins',
			// The description calls the group group_id; the request's query says chat_wid, which is sent.
			fields: [groupId()],
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a group',
			description:
				"Change a group's name, description, settings or picture; this number must be an admin. Needs the group. Returns, for each field given, whether the change worked (groups/change).",
			method: 'PUT',
			path: '/groups/change',
			// The description calls the group group_wid; the template and the example say chat_wid, which is sent.
			fields: [groupId()],
			optional: [str('name', 'Name', 'name'), ...groupSettings],
			// One result per field asked for; any of them can fail while the others succeed.
			partialFailures: (reply) =>
				Object.entries((reply.group as IDataObject | undefined) ?? {})
					.filter(([, result]) => (result as IDataObject | null)?.success === false)
					.map(
						([field, result]) =>
							`${field} not changed: ${String((result as IDataObject).msg ?? 'no reason given')}`,
					),
		},
		{
			value: 'join',
			name: 'Join',
			action: 'Join a group',
			description:
				"Join a group by its invite link. Needs the link (https://chat.whatsapp.com/...). Returns the group's WhatsApp ID (groups/join).",
			method: 'POST',
			path: '/groups/join',
			fields: [inviteLink],
		},
		{
			value: 'leave',
			name: 'Leave',
			action: 'Leave a group',
			description: "Leave a group. Needs the group. Returns CRONCRM's confirmation (groups/leave).",
			method: 'PUT',
			path: '/groups/leave',
			fields: [groupId()],
		},
		{
			value: 'getInviteLink',
			name: 'Get Invite Link',
			action: 'Get the invite link of a group',
			description:
				'Get the invite link of a group this number administers. Needs the group. Returns the link (groups/get-invite-link).',
			method: 'GET',
			path: '/groups/get-invite-link',
			fields: [groupId()],
		},
		{
			value: 'getInviteLinkInfo',
			name: 'Get Info From Invite Link',
			action: 'Get group info from an invite link',
			description:
				"Look up a group from its invite link without joining. Needs the link. Returns the group's data as CRONCRM gives it (undocumented) (groups/get-info-from-invite-link).",
			method: 'GET',
			path: '/groups/get-info-from-invite-link',
			fields: [inviteLink],
		},
		{
			value: 'addRemoveParticipant',
			name: 'Add or Remove Participant',
			action: 'Add or remove a participant in a group',
			description:
				"Add a participant to a group or remove one; this number must be an admin. Needs the group, the participant's phone number and the action. Returns CRONCRM's confirmation (groups/add-remove-participant).",
			method: 'PUT',
			path: '/groups/add-remove-participant',
			fields: participantAction([
				['Add', 'add', 'Add the participant to the group'],
				['Remove', 'del', 'Remove the participant from the group (the API says "del")'],
			]),
		},
		{
			value: 'promoteDemoteAdmin',
			name: 'Promote or Demote Admin',
			action: 'Promote or demote a group admin',
			description:
				"Make a participant a group admin or take that away; this number must be an admin. Needs the group, the participant's phone number and the action. Returns CRONCRM's confirmation (groups/promote-demote-admins).",
			method: 'PUT',
			path: '/groups/promote-demote-admins',
			fields: participantAction([
				['Promote', 'promote', 'Make the participant an admin'],
				['Demote', 'demote', 'Make the admin a regular participant'],
			]),
		},
		{
			value: 'sendMentions',
			name: 'Send Mentions',
			action: 'Send a message mentioning participants',
			description:
				'Send a message in a group that mentions participants (write @number in the text for each). Needs the group, the text and the mentioned phone numbers. Returns the chat and the stored message (groups/send-mentions).',
			method: 'POST',
			path: '/groups/send-mentions',
			alreadySent: sameText,
			fields: [groupId(), ...mentionFields],
			optional: [sendAsUser()],
			deliverImmediately: true,
		},
		{
			value: 'replyWithMention',
			name: 'Reply With Mention',
			action: 'Reply to a message mentioning participants',
			description:
				'Reply to a message in a group, quoting it and mentioning participants. Needs the group, the access_token of the message to quote, the text and the mentioned phone numbers. Returns the chat and the stored message (groups/send-message-reply-with-mention).',
			method: 'POST',
			path: '/groups/send-message-reply-with-mention',
			alreadySent: sameText,
			fields: [
				groupId(),
				str('replyTo', 'Reply To Message Access Token', 'message_reply_access_token', {
					required: true,
					description:
						'The access_token CRONCRM gave the message being answered (in the output of a sent or received message)',
				}),
				...mentionFields,
			],
			optional: [sendAsUser()],
			deliverImmediately: true,
		},
	],
};
