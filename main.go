// Command proctor watches many live video feeds at once and reviews them
// afterwards. One binary covers every side; see app.Main for the modes.
package main

import (
	"os"

	"proctor/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:]))
}
