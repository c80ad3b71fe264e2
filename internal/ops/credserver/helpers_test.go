package credserver

// Start listens on a random loopback port and serves credentials from get.
func Start(get Source) (*Server, error) {
	s, err := Listen(get)
	if err != nil {
		return nil, err
	}
	s.Serve()
	return s, nil
}
