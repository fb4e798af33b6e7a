"""Sync between the desks of a centre, and exports to the coordinator: keys and desk
cards, the bundle file (signed, encrypted), the merge of received changes, and the
transports that carry bundles (a folder, a WebDAV share). No Qt here."""
