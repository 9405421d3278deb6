"""Starting the Rasa server the way production needs it: `python -m rasa_server`."""
