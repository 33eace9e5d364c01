//! Small studies (see README).
