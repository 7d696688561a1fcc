import type { AddressInfo } from 'node:net';

import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server in the test process, keeping every mail it accepted, parsed. */
export interface SmtpReceiver {
  readonly url: string;
  readonly mails: ParsedMail[];
  /** Refuse recipients for which this says true (550), until changed. */
  refuse: (recipient: string) => boolean;
  /** Called after a mail is accepted (its 250 sent). */
  onAccepted: (mail: ParsedMail) => void;
  close(): Promise<void>;
}

/** Starts an SMTP server on a free loopback port: plain SMTP, any login accepted. */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const receiver: Omit<SmtpReceiver, 'url' | 'close'> = {
    mails: [],
    refuse: () => false,
    onAccepted: () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (receiver.refuse(address.address)) {
        const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          receiver.mails.push(mail);
          callback();
          receiver.onAccepted(mail);
        })
        .catch((error: unknown) => {
          callback(error as Error);
        });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `smtp://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  });
}
