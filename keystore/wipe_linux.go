package keystore

import (
	ss "github.com/zalando/go-keyring/secret_service"
)

// deleteAll deletes every item of service in the Secret Service's login
// collection (where go-keyring files them), as go-keyring's DeleteAll
// does, and counts them.
func deleteAll(service string) (int, error) {
	svc, err := ss.NewSecretService()
	if err != nil {
		return 0, err
	}
	collection := svc.GetLoginCollection()
	if err := svc.Unlock(collection.Path()); err != nil {
		return 0, err
	}
	items, err := svc.SearchItems(collection, map[string]string{"service": service})
	if err != nil {
		return 0, err
	}
	for i, item := range items {
		if err := svc.Delete(item); err != nil {
			return i, err
		}
	}
	return len(items), nil
}
