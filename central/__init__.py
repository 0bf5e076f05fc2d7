"""Central: the gRPC server every store syncs with, and the HQ side of the CRM."""
