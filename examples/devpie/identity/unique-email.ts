import { defineUniqueConstraint } from 'strata';
import { UserDeactivated, UserEmailChanged, UserRegistered } from './messages.js';

/**
 * No two users share an e-mail address (compared lower-case). Registering claims it, a change
 * claims the new one and gives the old one up, deactivating gives it up. The store enforces it
 * in the append's transaction: a second registration with the address fails with
 * `UniqueValueTakenError` (HTTP 409, `scope: identity.unique-email`) and appends nothing.
 */
export const uniqueEmail = defineUniqueConstraint({
  name: 'identity.unique-email',
  events: [UserRegistered, UserEmailChanged, UserDeactivated],
  normalize: (email) => email.trim().toLowerCase(),
  claims: {
    'identity.UserRegistered': (event) => event.data.email,
    'identity.UserEmailChanged': (event) => event.data.email,
  },
  releases: { 'identity.UserDeactivated': 'all' },
});
