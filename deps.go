//go:build tools

// This file pins the project's dependencies in go.mod while the packages
// that use them are written; it is never built.
package main

import (
	_ "fyne.io/fyne/v2/app"
	_ "github.com/abema/go-mp4"
	_ "github.com/asticode/go-astiav"
	_ "github.com/gorilla/websocket"
	_ "github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite"
)
