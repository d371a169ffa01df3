"""The stored state: the warehouse connection, editor accounts, snapshots, the runtime directory, the server role. No Streamlit here."""
