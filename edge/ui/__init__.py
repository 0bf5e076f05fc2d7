"""The till's Textual UI: screens call services in workers and never block on I/O."""
