import { apiError, detailError, fieldError } from '../errors.js';

/** Every refusal of company pages, linked accounts and organization members, worded once (original-beyond-seed §6.2–§6.4). */

// Company pages
export const companyEmailTaken = () => fieldError('company_email', 'An account with this email already exists.');
/** A company verification link that names no waiting company (unknown, or followed already). */
export const companyLinkInvalid = () => detailError('NOT_FOUND', 'This link is invalid or was used already.');

// Linked accounts
export const switchToSelf = () => fieldError('account', 'You are currently logged in as this user.');
/** Not linked, unknown or closed: the same answer, so switching reveals nothing about other accounts. */
export const accountNotLinked = () => detailError('FORBIDDEN', 'This account is not linked to your profile.');

// Organization members
/** The caller named no organization and is not one. */
export const employersOnly = () => detailError('FORBIDDEN', 'This request is only available to employers.');
export const unknownOrganization = () => detailError('NOT_FOUND', 'No organization has this id.');
/** Only the company page itself and the accounts linked to it manage its members (and see its invitations). */
export const notAnOwner = () => detailError('FORBIDDEN', 'Only the owners of this organization may manage its members.');
export const unknownMember = (id: number) => fieldError('member', `Invalid pk "${id}" - object does not exist.`);
export const employerAsMember = () => fieldError('member', 'Another employer cannot be a member of an organization.');
export const alreadyMember = () => fieldError('member', 'This user is already a member.');
export const alreadyInvited = () => fieldError('member', 'This user is already invited.');
export const memberIdMissing = () => detailError('NOT_FOUND', 'A member_id is required for this request');
export const invalidMemberId = () => detailError('NOT_FOUND', 'Invalid member_id');
export const notAMember = () => apiError('BAD_REQUEST', 'This user is not a member.', { error: 'This user is not a member.' });
export const noInvitation = () => detailError('NOT_FOUND', 'You have no invitation from this organization.');
