import { detailError, fieldError, keyedError, nonFieldError } from '../errors.js';

/** Every refusal of the auth services, worded once: the services throw them and the routes document them. */

// A token whose account is gone or disabled
export const accountNotFound = () => detailError('UNAUTHORIZED', 'User not found', { code: 'user_not_found' });
export const accountInactive = () => detailError('UNAUTHORIZED', 'User is inactive', { code: 'user_inactive' });

// Signing in and out
export const invalidCredentials = () => nonFieldError('Invalid Credentials');
/** A refresh token that cannot sign out: invalid, expired, someone else's or already used. */
export const invalidSignoutToken = () => nonFieldError('Invalid Token');
export const refreshRefused = () => detailError('UNAUTHORIZED', 'Token is invalid or expired', { code: 'token_not_valid' });

// Signing up; the original filed its refusals under these odd keys
export const existingEmail = () => fieldError('email', 'Existing Email!');
/** `problem` is what the password rules found (passwords.ts). */
export const weakPassword = (problem: string) => nonFieldError(problem);
export const signupPasswordMismatch = () => fieldError('Password Mismatch', 'Passwords must be the same');
export const signupOtpInvalid = () => keyedError('OTP Error', 'Invalid OTP');
export const signupOtpExpired = () => keyedError('OTP Error', 'Expired OTP');
export const signupOtpExhausted = () => keyedError('OTP Error', 'Too many wrong codes. Request a new OTP.');
export const signupLinkInvalid = () => nonFieldError('Invalid Link');
export const signupLinkExpired = () => nonFieldError('Link Expired');

// Resetting a forgotten password
export const invalidResetRequest = () => nonFieldError('Invalid Request!');
export const unregisteredEmail = () => nonFieldError('Unregistered Email');
export const resetOtpInvalid = () => nonFieldError('Invalid OTP');
export const resetOtpExpired = () => nonFieldError('Expired OTP');
export const resetOtpExhausted = () => nonFieldError('Too many wrong codes. Request a new OTP.');
/** No verified code, or its one change already made. */
export const resetNotVerified = () => nonFieldError('Cannot change password. Request new otp.');
export const resetRequestExpired = () => nonFieldError('Expired Request');
export const resetPasswordMismatch = () => nonFieldError('Unmatched passwords');

// Google sign-in (the original's `{"error": "…"}` bodies)
export const googleCodeMissing = () => keyedError('error', 'Missing Code');
export const googleNoIdToken = () => keyedError('error', 'Failed to get ID token');
export const googleInvalidToken = () => keyedError('error', 'Invalid Token');
export const googleEmailUnverified = () => keyedError('error', 'Google has not verified this e-mail address');
export const googleAccountExists = () => keyedError('error', 'An account with this email exists. Proceed to Login');
export const googleNoAccount = () => keyedError('error', 'No account with this email exist. Signup to continue');
export const googleNotConfigured = () =>
  detailError(
    'SERVICE_UNAVAILABLE',
    'Google sign-in is not configured on this server: set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URL_SIGNIN and GOOGLE_REDIRECT_URL_SIGNUP',
  );
export const googleUnavailable = () =>
  detailError('SERVICE_UNAVAILABLE', 'Google cannot be reached right now. Please try again shortly.', {}, { 'Retry-After': '30' });

// Deleting one's own account
export const deletionPasswordMissing = () => fieldError('password', 'Enter your password to delete your account.');
export const deletionPasswordWrong = () => fieldError('password', 'Incorrect password.');
export const deletionCodeMissing = () =>
  fieldError('code', 'This account has no password: send the code mailed by POST /user/me/deletion-code/.');
export const deletionCodeInvalid = () => fieldError('code', 'Invalid or expired code. Request a new one.');
export const deletionLeavesCompanyOwnerless = () =>
  fieldError('account', 'You are the only owner of a company page: link another owner to it, or switch to it and delete it first.');
export const deletionCodeNotNeeded = () => fieldError('password', 'This account has a password: confirm the deletion with it.');
