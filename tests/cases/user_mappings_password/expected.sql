-- stage00_prerequisites
CREATE USER MAPPING FOR PUBLIC SERVER s OPTIONS ("user" 'bob');
