"""The till: sells offline, prints, reads scanners and syncs with central."""
