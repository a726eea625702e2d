package voyager

import (
	"context"
	"encoding/json"
	"fmt"
)

// Kind is what kind of failure an Error is; the values are the core's ErrorKind in snake_case.
type Kind string

const (
	KindInvalidArgument Kind = "invalid_argument"
	KindConfig          Kind = "config"
	KindConnection      Kind = "connection"
	KindNotFound        Kind = "not_found"
	KindControlPlane    Kind = "control_plane"
	KindIO              Kind = "io"
	KindAlreadyExists   Kind = "already_exists"
	KindMissingAnswer   Kind = "missing_answer"
	KindCancelled       Kind = "cancelled"
	KindInternal        Kind = "internal"
)

// Reason is why a call failed, finer than its Kind: what a program branches on.
type Reason string

const (
	ReasonOther                Reason = "other"
	ReasonPasswordMissing      Reason = "password_missing"
	ReasonAuthenticationFailed Reason = "authentication_failed"
	ReasonConnectionRefused    Reason = "connection_refused"
	ReasonTimeout              Reason = "timeout"
	ReasonTLS                  Reason = "tls"
	ReasonDatabaseMissing      Reason = "database_missing"
	ReasonPrivilege            Reason = "privilege"
	ReasonHostUnknown          Reason = "host_unknown"
	ReasonTooManyConnections   Reason = "too_many_connections"
	ReasonLockTimeout          Reason = "lock_timeout"
	ReasonSerializationFailure Reason = "serialization_failure"
	ReasonConnectionLost       Reason = "connection_lost"
	ReasonCancelled            Reason = "cancelled"
)

// Subject is what a failure was about, where known.
type Subject struct {
	Host     string `json:"host,omitempty"`
	Port     int    `json:"port,omitempty"`
	Database string `json:"database,omitempty"`
}

// Error is every failure of libvoyager, read from the call's own error object (never from a
// thread-local, so it is right whichever OS thread the goroutine ran on).
type Error struct {
	Kind      Kind    `json:"kind"`
	Reason    Reason  `json:"reason"`
	Message   string  `json:"message"`
	SQLState  string  `json:"sqlstate,omitempty"`
	Retryable bool    `json:"retryable"`
	Subject   Subject `json:"subject"`
	// cause is the context's error when the context cancelled the call.
	cause error
}

func (e *Error) Error() string { return e.Message }

// Unwrap gives context.Canceled or context.DeadlineExceeded when the context ended the call.
func (e *Error) Unwrap() error { return e.cause }

// Is matches another *Error by Kind (and by Reason when the target sets one), so that
// errors.Is(err, &voyager.Error{Kind: voyager.KindConnection}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return (t.Kind == "" || t.Kind == e.Kind) && (t.Reason == "" || t.Reason == e.Reason)
}

func decodeError(text string, ctx context.Context) *Error {
	e := &Error{}
	if err := json.Unmarshal([]byte(text), e); err != nil {
		e = &Error{Kind: KindInternal, Reason: ReasonOther, Message: fmt.Sprintf("libvoyager returned an unreadable error %q: %v", text, err)}
	}
	if e.Reason == ReasonCancelled && ctx != nil && ctx.Err() != nil {
		e.cause = ctx.Err()
	}
	return e
}
