package store

import (
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// The layout of the bbolt data file, and how an older one is brought forward. A future change
// of format bumps boltSchemaVersion and adds the step that converts the previous version.

// boltSchemaVersion is the layout this build writes. A file marked with an older version is
// migrated forward at open (boltMigrations); a newer one is refused rather than misread.
const boltSchemaVersion = 1

// boltMigrations[v] turns a file of schema v into schema v+1, inside the opening transaction.
// There are none yet: version 1 is the first layout.
var boltMigrations = map[int]func(tx *bolt.Tx) error{}

var (
	bucketMeta        = []byte("meta")
	bucketSessions    = []byte("sessions")    // SHA-256 of the token → Session
	bucketStates      = []byte("states")      // state → OAuthState
	bucketConnections = []byte("connections") // provider_config_key NUL connection_id → connection

	keyFormat  = []byte("format")
	keySchema  = []byte("schema_version")
	fileFormat = []byte("nango-dev")
)

// prepareSchema marks a new file, migrates an old one, and makes sure every bucket exists.
func prepareSchema(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	version := boltSchemaVersion
	if format := meta.Get(keyFormat); format == nil {
		if tx.Bucket(bucketConnections) != nil {
			return errors.New("it is not a nango-dev data file (no format marker)")
		}
		if err := meta.Put(keyFormat, fileFormat); err != nil {
			return err
		}
	} else if string(format) != string(fileFormat) {
		return fmt.Errorf("it is not a nango-dev data file (format %q)", format)
	} else if version, err = strconv.Atoi(string(meta.Get(keySchema))); err != nil {
		return fmt.Errorf("its schema version %q is unreadable", meta.Get(keySchema))
	}
	if version > boltSchemaVersion {
		return fmt.Errorf("it was written by a newer nango-dev (schema %d; this one reads up to %d)", version, boltSchemaVersion)
	}
	for ; version < boltSchemaVersion; version++ {
		if migrate := boltMigrations[version]; migrate != nil {
			if err := migrate(tx); err != nil {
				return fmt.Errorf("migrate schema %d to %d: %w", version, version+1, err)
			}
		}
	}
	for _, name := range [][]byte{bucketSessions, bucketStates, bucketConnections} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return meta.Put(keySchema, []byte(strconv.Itoa(boltSchemaVersion)))
}
