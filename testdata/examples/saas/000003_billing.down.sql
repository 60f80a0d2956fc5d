DROP TABLE attachments;
DROP TABLE invoices;
