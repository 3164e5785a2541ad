// Package live is the registry of live Sentinels and their watchers: the
// seam between the connection packages (server/ingest, server/seed,
// server/watch) and where live state is kept. Local keeps it in process
// over a server/hub; a cluster's Redis bus implements the same Registry.
package live
