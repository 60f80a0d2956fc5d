
   
	
-- nothing to see here; really
/* nor here; */

