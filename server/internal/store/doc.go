// Package store is where the Nango API stand-in keeps what it must remember: connect sessions
// (under a hash of their token), pending OAuth states (single use), connections, and the
// settings a restart must not change. Store is the one interface; Memory keeps everything in the
// process, Bolt in a bbolt file (-data FILE) whose schema it checks and migrates. It serves no
// origin: only the API host imports it (the mock provider never does).
package store
