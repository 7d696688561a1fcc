// Command go-subscriber reads the devpie app's events from Strata's bus (NATS JetStream) and
// prints one line per event, decoding the Identity context's events into Go structs: what the
// Identity service of seed 001, written in Go, would consume.
//
// Strata's forwarder publishes each event on `<prefix>.<app>.<context>.<Name>.v<N>` with the
// event's data as the JSON payload and its attributes in headers (Nats-Msg-Id = event id,
// Strata-Stream, Strata-Stream-Version, Strata-Position, ce-type, ...). This program reads them
// through a durable pull consumer, so a restart resumes after the last acknowledged event.
//
// Build it with Debian's packages, no module download (see the README):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o go-subscriber ./examples/go-subscriber
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	server := flag.String("server", envOr("NATS_URL", nats.DefaultURL), "NATS server URL")
	stream := flag.String("stream", "", "JetStream stream (default: the stream that captures -subject)")
	subject := flag.String("subject", "strata.devpie.>", "subjects to consume")
	durable := flag.String("durable", "go-subscriber", "durable consumer name (empty: ephemeral)")
	count := flag.Int("count", 0, "exit after this many events (0: run until interrupted)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("go-subscriber: ")

	if err := run(*server, *stream, *subject, *durable, *count); err != nil {
		log.Fatal(err)
	}
}

// run consumes events until count have been handled or the process is interrupted.
func run(server, stream, subject, durable string, count int) error {
	nc, err := nats.Connect(server, nats.Name("strata-go-subscriber"))
	if err != nil {
		return err
	}
	// Close flushes what is still buffered (a Term, say); Drain would return before it had.
	defer nc.Close()
	js, err := nc.JetStream()
	if err != nil {
		return err
	}

	// Creates the consumer, or binds to it when it exists with the same configuration. Acks are
	// explicit: an event is acknowledged once printed, never before.
	opts := []nats.SubOpt{nats.AckExplicit(), nats.DeliverAll()}
	if stream != "" {
		opts = append(opts, nats.BindStream(stream))
	}
	sub, err := js.PullSubscribe(subject, durable, opts...)
	if err != nil {
		return fmt.Errorf("consuming %s: %w", subject, err)
	}
	log.Printf("consuming %s as %q", subject, durable)

	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM)
	for handled := 0; count == 0 || handled < count; {
		select {
		case <-interrupted:
			return nil
		default:
		}
		// A short wait keeps the loop responsive to signals; an empty fetch is not an error.
		msgs, err := sub.Fetch(batchSize(count, handled), nats.MaxWait(time.Second))
		if errors.Is(err, nats.ErrTimeout) {
			continue
		}
		if err != nil {
			return err
		}
		for _, msg := range msgs {
			if err := handle(msg); err != nil {
				return err
			}
			handled++
		}
	}
	return nil
}

// handle prints one event and acknowledges it. A payload that does not decode is terminated
// (not redelivered: it would fail the same way every time) and reported.
func handle(msg *nats.Msg) error {
	key := schemaKey(msg.Subject)
	line := fmt.Sprintf("%s %s id=%s stream=%s@%s:", header(msg, "Strata-Position"), key,
		header(msg, nats.MsgIdHdr), header(msg, "Strata-Stream"), header(msg, "Strata-Stream-Version"))
	decoder, known := decoders[key]
	if !known {
		fmt.Println(line, "not decoded here,", len(msg.Data), "bytes")
		return msg.AckSync()
	}
	event, err := decoder(msg.Data)
	if err != nil {
		log.Printf("%s undecodable payload, terminated: %v", line, err)
		return msg.Term()
	}
	fmt.Println(line, event)
	// Synchronous: once it returns the server has the ack, so exiting after -count loses none.
	return msg.AckSync()
}

// schemaKey is `<context>.<Name>.v<N>`: the last three tokens of a Strata subject, whatever the
// prefix and app before them.
func schemaKey(subject string) string {
	tokens := strings.Split(subject, ".")
	if len(tokens) < 3 {
		return subject
	}
	return strings.Join(tokens[len(tokens)-3:], ".")
}

// header is a header's first value, whatever the case of its name: NATS headers are
// case-sensitive, and a publisher may well follow HTTP's habit of treating them as not.
func header(msg *nats.Msg, name string) string {
	for key, values := range msg.Header {
		if strings.EqualFold(key, name) && len(values) > 0 {
			return values[0]
		}
	}
	return ""
}

// batchSize is how many events to fetch at once: up to 10, never more than are still to handle
// (a fetched event that is not handled would wait for its ack timeout to be redelivered).
func batchSize(count, handled int) int {
	if count > 0 && count-handled < 10 {
		return count - handled
	}
	return 10
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}
