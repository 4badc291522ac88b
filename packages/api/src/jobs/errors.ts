import { detailError, fieldError, keyedError, nonFieldError } from '../errors.js';

/** Every refusal of the jobs services, worded once: the services throw them and the routes document them. */

/** No job has this id (or it is another poster's draft, which nobody else may see). */
export const unknownJob = (jobId: number) => fieldError('job', `Invalid pk "${jobId}" - object does not exist.`);
export const jobIdNotAnInteger = () => fieldError('job', 'A valid integer is required.');

// Applying (§4.4): every refusal under `job`, as the web client shows `error.job[0]`.
export const applyingToOwnJob = () => fieldError('job', 'You cannot apply for a job you posted.');
export const jobClosed = () => fieldError('job', 'This job has been closed');
export const deadlinePassed = () => fieldError('job', 'No more applications are allowed for this job.');
export const alreadyApplied = () => fieldError('job', 'You have already applied for this job.');

// Reading and moving applications: only the job's poster.
export const applicantsJobIdMissing = () => keyedError('error', 'A job_id query parameter is required for this request');
/** Another poster's job and a job that does not exist answer alike. */
export const notYourJobsApplicants = () => detailError('FORBIDDEN', 'Only the poster of this job may see its applications.');
export const unknownApplication = () => detailError('NOT_FOUND', 'No application with this id was made to a job you posted.');
export const statusTransitionRefused = (from: string, to: string, allowed: readonly string[]) =>
  fieldError(
    'status',
    allowed.length
      ? `An application that is ${from} can move to ${allowed.join(', ')}, not ${to}.`
      : `An application that is ${from} is final and cannot move to ${to}.`,
  );

// Editing a job (§4.2, §4.3): the poster's own only.
export const editJobIdMissing = () => detailError('NOT_FOUND', 'A job_id query parameter is required.');
export const editJobUnknown = () => detailError('NOT_FOUND', 'Invalid job id');
export const notYourJob = () => detailError('FORBIDDEN', 'Only the poster of this job may change it.');

// Saved jobs (§4.5).
export const unsaveJobMissing = () => keyedError('error', 'A job query parameter is required for this request');
export const jobNotSaved = () => nonFieldError('This job has not been previously saved.');
