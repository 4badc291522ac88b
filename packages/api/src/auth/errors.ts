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
