import { emailReactor } from 'strata';

import { UserRegistered } from './messages.js';

/** A welcome e-mail to every user who registers (sent once `STRATA_SMTP_URL` is set). */
export const welcomeEmail = emailReactor({
  name: 'identity.welcome-email',
  on: [UserRegistered],
  render: (event) => ({
    to: event.data.email,
    subject: `Welcome to devpie, ${event.data.name}`,
    text:
      `Hello ${event.data.name},\n\nyour devpie account ${event.data.userId} is ready: ` +
      'create a project and add its first task.\n',
  }),
});
