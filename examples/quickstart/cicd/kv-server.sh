#!/bin/sh
# A toy key-value service for the integration test: answers "PUT KEY VALUE" with "OK KEY=VALUE".
while true; do
  nc -l -p 7379 -e sh -c 'read -r verb key value; echo "OK $key=$value"'
done
