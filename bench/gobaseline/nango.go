//go:build js && wasm

// Package nango, in this file, stands in for the real package nango when make bench builds the
// Go app example without the SDK: an -overlay (written by make) replaces the files of wasm/nango
// with this one, which declares the names the example uses and does nothing. The example's size
// with the real package minus its size with this one is the SDK's marginal cost to a Go app.
// make vet checks that the example still builds against it.
package nango

import (
	"context"
	"errors"
)

type Options struct{ Host, ConnectSessionToken string }

type Client struct{}

func New(Options) (*Client, error) { return &Client{}, nil }

type AuthOptions struct{ Params map[string]string }

type Pending struct{}

type Result struct{ ProviderConfigKey, ConnectionID string }

var errNoSDK = errors.New("this build has no SDK")

func (*Client) Auth(string, AuthOptions) (*Pending, error) { return nil, errNoSDK }

func (*Pending) Wait(ctx context.Context) (Result, error) { return Result{}, errNoSDK }

type ErrorType string

const UnknownError ErrorType = "unknown_error"

type AuthError struct {
	Type    ErrorType
	Message string
}

func (e *AuthError) Error() string { return e.Message }

var (
	ErrAccessDenied     = &AuthError{}
	ErrBlockedByBrowser = &AuthError{}
	ErrSuperseded       = &AuthError{}
	ErrAborted          = &AuthError{}
)
