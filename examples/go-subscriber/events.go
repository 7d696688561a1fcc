package main

import (
	"encoding/json"
	"fmt"
)

// The Identity context's events, as examples/devpie/identity/messages.ts declares them (schema
// version 1). The bus carries an event's data as JSON, with no envelope: these structs are the
// whole payload.

// UserRegistered is identity.UserRegistered v1.
type UserRegistered struct {
	UserID       string `json:"userId"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	RegisteredAt string `json:"registeredAt"`
}

// UserEmailChanged is identity.UserEmailChanged v1.
type UserEmailChanged struct {
	UserID string `json:"userId"`
	Email  string `json:"email"`
}

// UserDeactivated is identity.UserDeactivated v1.
type UserDeactivated struct {
	UserID        string `json:"userId"`
	DeactivatedAt string `json:"deactivatedAt"`
}

func (e UserRegistered) String() string {
	return fmt.Sprintf("user %s registered as %s (%s) at %s", e.UserID, e.Email, e.Name, e.RegisteredAt)
}

func (e UserEmailChanged) String() string {
	return fmt.Sprintf("user %s changed e-mail to %s", e.UserID, e.Email)
}

func (e UserDeactivated) String() string {
	return fmt.Sprintf("user %s deactivated at %s", e.UserID, e.DeactivatedAt)
}

// decoders maps the last tokens of a subject, `<context>.<Name>.v<N>`, to the decoder of that
// schema. A subject names one schema version, so a new major version is a new entry here, never
// a surprise inside an old one.
var decoders = map[string]func([]byte) (fmt.Stringer, error){
	"identity.UserRegistered.v1":   decode[UserRegistered],
	"identity.UserEmailChanged.v1": decode[UserEmailChanged],
	"identity.UserDeactivated.v1":  decode[UserDeactivated],
}

// decode unmarshals a payload into T. Fields T does not declare are ignored, so an additive
// change to a schema (a new optional field, same major version) does not break this consumer.
func decode[T fmt.Stringer](data []byte) (fmt.Stringer, error) {
	var event T
	if err := json.Unmarshal(data, &event); err != nil {
		return nil, err
	}
	return event, nil
}
