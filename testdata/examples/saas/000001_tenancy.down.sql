DROP TABLE plans;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE organizations;
DROP ROLE app_user;
