package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// ConnectScreen asks for the server address and token and shows why a
// connection failed in plain words.
type ConnectScreen struct {
	Content  fyne.CanvasObject
	Server   *widget.Entry
	Token    *widget.Entry
	Button   *widget.Button
	Status   *widget.Label
	Progress *widget.ProgressBarInfinite

	// OnConnect is called with the trimmed address and token.
	OnConnect func(server, token string)
}

// NewConnectScreen returns the screen prefilled with server and token.
func NewConnectScreen(server, token string) *ConnectScreen {
	c := &ConnectScreen{Server: widget.NewEntry(), Token: widget.NewPasswordEntry(), Status: widget.NewLabel(""), Progress: widget.NewProgressBarInfinite()}
	c.Server.SetPlaceHolder("http://localhost:8750")
	c.Server.SetText(server)
	c.Token.SetPlaceHolder("proctor token (proctor token -role proctor)")
	c.Token.SetText(token)
	c.Status.Wrapping = fyne.TextWrapWord
	c.Progress.Hide()
	c.Progress.Stop()
	c.Button = widget.NewButton("Connect", c.submit)
	c.Button.Importance = widget.HighImportance
	c.Server.OnSubmitted = func(string) { c.submit() }
	c.Token.OnSubmitted = func(string) { c.submit() }
	title := widget.NewLabelWithStyle("Proctor", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	form := widget.NewForm(widget.NewFormItem("Server", c.Server), widget.NewFormItem("Token", c.Token))
	box := container.NewVBox(title, form, c.Button, c.Progress, c.Status)
	c.Content = container.NewCenter(container.NewGridWrap(fyne.NewSize(460, 300), box))
	return c
}

func (c *ConnectScreen) submit() {
	if c.OnConnect == nil || c.Button.Disabled() {
		return
	}
	c.SetBusy(true)
	c.OnConnect(c.Server.Text, c.Token.Text)
}

// SetBusy shows that a connection attempt is under way.
func (c *ConnectScreen) SetBusy(on bool) {
	if on {
		c.Status.SetText("Connecting…")
		c.Button.Disable()
		c.Progress.Show()
		c.Progress.Start()
		return
	}
	c.Button.Enable()
	c.Progress.Stop()
	c.Progress.Hide()
}

// SetError shows why connecting failed.
func (c *ConnectScreen) SetError(server string, err error) {
	c.SetBusy(false)
	c.Status.SetText(ConnectMessage(server, err))
}

// ConnectMessage explains a Dialer error to a proctor.
func ConnectMessage(server string, err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrAddress):
		return fmt.Sprintf("%q is not a server address. Use http://host:port or https://host.", server)
	case errors.Is(err, ErrUnreachable):
		return fmt.Sprintf("Cannot reach a Proctor server at %s. Check the address and your network, and that the server is running.", server)
	case errors.Is(err, ErrRefused):
		return "The server refused the token. It may be mistyped, expired, or not for a proctor or reviewer; ask your administrator for a new one."
	case errors.Is(err, ErrVersion):
		return fmt.Sprintf("The server at %s runs an incompatible version: %v. Use a matching proctor app.", server, err)
	}
	return fmt.Sprintf("Could not connect: %v", err)
}
