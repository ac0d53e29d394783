//go:build js && wasm

package nango_test

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/nango-wasm/nango-wasm/wasm/nango"
)

// A page with a Connect button: Auth runs inside the click, Wait in a goroutine. The session
// token comes from your backend, which creates it with Nango's secret key.
func Example() {
	client, err := nango.New(nango.Options{ConnectSessionToken: sessionTokenFromYourBackend()})
	if err != nil {
		panic(err) // only a Host that is not a URL, or a negative popup size, fails here
	}
	button := js.Global().Get("document").Call("getElementById", "connect")
	// The handler lives as long as the page; a handler removed later must be Released.
	onClick := js.FuncOf(func(js.Value, []js.Value) any {
		pending, err := client.Auth("github", nango.AuthOptions{}) // the popup opens here
		if err != nil {
			fmt.Println("cannot start:", err)
			return nil
		}
		go func() { // never wait inside the handler: the page would deadlock
			result, err := pending.Wait(context.Background())
			if err != nil {
				fmt.Println("not connected:", err)
				return
			}
			fmt.Println("connected:", result.ConnectionID)
		}()
		return nil
	})
	button.Call("addEventListener", "click", onClick)
}

// Params carry the connection config an integration asks for, such as Zendesk's subdomain.
func ExampleClient_Auth() {
	client, _ := nango.New(nango.Options{ConnectSessionToken: sessionTokenFromYourBackend()})
	// Inside a click's event handler:
	pending, err := client.Auth("zendesk", nango.AuthOptions{
		Params:  map[string]string{"subdomain": "acme"},
		Timeout: 10 * time.Minute,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	go report(pending)
}

// Credentials of a mode without a popup are sent to Nango, which tests them with the provider;
// no user gesture is needed.
func ExampleClient_Auth_apiKey() {
	client, _ := nango.New(nango.Options{ConnectSessionToken: sessionTokenFromYourBackend()})
	pending, err := client.Auth("openai", nango.AuthOptions{Credentials: nango.APIKeyCredentials{APIKey: "sk-..."}})
	if err != nil {
		fmt.Println(err)
		return
	}
	go report(pending)
}

// A Cancel button ends Wait's context: the flow is aborted and its popup closed.
func ExamplePending_Wait() {
	client, _ := nango.New(nango.Options{ConnectSessionToken: sessionTokenFromYourBackend()})
	pending, err := client.Auth("github", nango.AuthOptions{}) // inside a click's handler
	if err != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	onCancel := js.FuncOf(func(js.Value, []js.Value) any {
		cancel() // never blocks: safe inside a handler
		return nil
	})
	cancelButton := js.Global().Get("document").Call("getElementById", "cancel")
	cancelButton.Call("addEventListener", "click", onCancel)
	go func() {
		defer func() {
			cancelButton.Call("removeEventListener", "click", onCancel)
			onCancel.Release()
		}()
		result, err := pending.Wait(ctx)
		if errors.Is(err, context.Canceled) {
			fmt.Println("cancelled by the user")
			return
		}
		fmt.Println(result, err)
	}()
}

// Tell the outcomes apart with errors.Is for the common ones and errors.As for the type.
func ExampleAuthError() {
	client, _ := nango.New(nango.Options{ConnectSessionToken: sessionTokenFromYourBackend()})
	pending, err := client.Auth("github", nango.AuthOptions{}) // inside a click's handler
	if err == nil {
		_, err = pending.Wait(context.Background()) // in a goroutine
	}
	var authErr *nango.AuthError
	switch {
	case err == nil:
		fmt.Println("connected")
	case errors.Is(err, nango.ErrAccessDenied):
		fmt.Println("you said no at the provider: try again?")
	case errors.Is(err, nango.ErrBlockedByBrowser):
		fmt.Println("allow popups for this site, or call Auth inside the click")
	case errors.As(err, &authErr):
		fmt.Println("failed:", authErr.Type, authErr.Message)
	}
}

// The Connect UI lets the user pick and connect an integration in an iframe over the page.
func ExampleClient_OpenConnectUI() {
	client, _ := nango.New(nango.Options{ConnectSessionToken: sessionTokenFromYourBackend()})
	ui, err := client.OpenConnectUI(nango.ConnectUIOptions{
		OnEvent: func(ev nango.ConnectUIEvent) { // runs in the event loop: must not block
			switch ev.Type {
			case nango.ConnectUIConnect:
				fmt.Println("connected:", ev.Result.ProviderConfigKey, ev.Result.ConnectionID)
			case nango.ConnectUIError:
				fmt.Println("failed:", ev.Err)
			}
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = ui // ui.Close() removes it
}

func report(p *nango.Pending) {
	r, err := p.Wait(context.Background())
	fmt.Println(r, err)
}

func sessionTokenFromYourBackend() string { return "nango_connect_session_..." }
